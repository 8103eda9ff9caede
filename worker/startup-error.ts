/**
 * The one line a process prints when it cannot start: what went wrong and what to do, for the errors a
 * user can fix (configuration, binaries, ports, an unreachable or unprepared Temporal).
 */

/** What the message needs to know about the configuration, when it was read. */
export interface StartupContext {
  temporalAddress?: string;
  namespace?: string;
}

/** Turns a start-up failure into the message to print; unknown errors keep their own first line. */
export function startupErrorMessage(err: unknown, context: StartupContext = {}): string {
  const message = err instanceof Error ? err.message : String(err);
  const namespace = /Namespace (\S+) (?:was|is) not found/.exec(message)?.[1];
  if (namespace) {
    return (
      `Namespace ${namespace} does not exist on ${context.temporalAddress ?? 'the Temporal server'}: create it ` +
      `(temporal operator namespace create --namespace ${namespace} --retention 400d) and the search ` +
      'attributes listed in the README, or fix TEMPORAL_NAMESPACE.'
    );
  }
  // Plan validation lists one problem per line on purpose; everything else is one line.
  if (err instanceof Error && err.name === 'PlanValidationError') return message;
  return message.split('\n')[0] ?? message;
}
