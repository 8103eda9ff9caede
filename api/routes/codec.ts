/**
 * The codec endpoint for the Temporal Web UI (its codec-server protocol): `POST /api/codec/decode` and
 * `/encode` with `{payloads: [{metadata: {k: base64}, data: base64}]}`, for administrators only (bearer
 * token, or for `decode` the codec session cookie that `POST /api/codec/session` sets: see
 * auth/codec-session.ts). The Web UI calls it from the browser, so the UI's origin (`TEMPORAL_UI_URL`) gets
 * CORS answers with credentials, its preflight included (which carries no token); histories' payloads may be
 * large, hence a larger body limit on these two paths than elsewhere.
 */
import express, { Router, type RequestHandler } from 'express';
import type { Payload } from '@temporalio/common';
import type { CodecPayload } from '../../contracts';
import type { EncryptionCodec } from '../../codec/payload-codec';
import type { AppContext, AppDeps } from '../deps';
import {
  CODEC_SESSION_COOKIE,
  CODEC_SESSION_PATH,
  CODEC_SESSION_TTL_MS,
  type CodecSessions,
} from '../auth/codec-session';
import { principalOf } from '../auth/middleware';
import { BadRequestError } from '../errors';
import { mount } from '../middleware/route';
import { inputOf } from '../middleware/validate';
import { operations } from '../operations';

/** The decode path, which a codec session's cookie opens too (auth/codec-session.ts). */
export const CODEC_DECODE_PATH = '/api/codec/decode';
const CODEC_PATHS = [CODEC_DECODE_PATH, '/api/codec/encode'];

/** The origin of the configured Web UI, the one origin the endpoint answers CORS requests for. */
function uiOrigin(deps: AppDeps): string | undefined {
  try {
    return deps.config.temporalUiUrl ? new URL(deps.config.temporalUiUrl).origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CORS for the Web UI's origin and the body parser of the codec paths; mount before the app's own JSON
 * parser and before authentication (a preflight has no token and gets 204 here).
 */
export function codecPreflight(deps: AppDeps): Router {
  const router = Router();
  const origin = uiOrigin(deps);
  const cors: RequestHandler = (req, res, next) => {
    if (origin && req.get('origin') === origin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST',
        'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Namespace',
        'Access-Control-Max-Age': '600',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  router.use(CODEC_PATHS, cors, express.json({ limit: '4mb' }));
  return router;
}

/** The codec routes (mounted after authentication), and the session that opens decode to the Web UI. */
export function codecRoutes(deps: AppContext, sessions: CodecSessions): Router {
  const router = Router();
  const { codecDecode, codecEncode, codecSession } = operations;
  const codec = deps.temporalClient.options.loadedDataConverter.payloadCodecs[0] as EncryptionCodec | undefined;
  const checkNamespace: RequestHandler = (req, _res, next) => {
    const ns = req.get('x-namespace');
    if (ns !== undefined && ns !== deps.config.TEMPORAL_NAMESPACE) {
      throw new BadRequestError('namespace_mismatch', {
        zh: `本接口只解密命名空间 ${deps.config.TEMPORAL_NAMESPACE} 的载荷`,
        en: `This endpoint decodes payloads of namespace ${deps.config.TEMPORAL_NAMESPACE} only, not ${ns}.`,
      });
    }
    next();
  };
  router.use(CODEC_PATHS, checkNamespace);

  mount(router, codecSession, (req, res) => {
    const session = sessions.issue(principalOf(res));
    res.cookie(CODEC_SESSION_COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'strict',
      path: CODEC_SESSION_PATH,
      maxAge: CODEC_SESSION_TTL_MS,
      secure: req.secure,
    });
    res.status(codecSession.status).json({ expiresAt: new Date(session.expiresAt).toISOString() });
  });

  mount(router, codecDecode, async (_req, res) => {
    const { body } = inputOf(res, codecDecode.input);
    const payloads = body.payloads.map(fromJson);
    res.status(codecDecode.status).json({ payloads: (codec ? await codec.decode(payloads) : payloads).map(toJson) });
  });
  mount(router, codecEncode, async (_req, res) => {
    const { body } = inputOf(res, codecEncode.input);
    const payloads = body.payloads.map(fromJson);
    res
      .status(codecEncode.status)
      .json({ payloads: (codec ? await codec.encodeUnsealed(payloads) : payloads).map(toJson) });
  });
  return router;
}

function fromJson(p: CodecPayload): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) metadata[k] = Buffer.from(v, 'base64');
  return { metadata, data: Buffer.from(p.data ?? '', 'base64') };
}

function toJson(p: Payload): CodecPayload {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(p.metadata ?? {})) if (v) metadata[k] = Buffer.from(v).toString('base64');
  return { metadata, data: Buffer.from(p.data ?? []).toString('base64') };
}
