"""Twilio webhooks: `POST /twilio/voice` (TwiML that connects the call to our media stream),
`POST /twilio/status` (status callbacks), signature validation, per-call stream tokens, and the
Twilio side of a warm transfer. Protocol notes: shared/reference/PROTOCOLS.md §1.1, §1.6, §1.7.

Security model
  * Every webhook is checked with `twilio.request_validator.RequestValidator` against
    FRONTLINE_PUBLIC_URL + path (+ query), using TWILIO_AUTH_TOKEN. Bad or missing
    `X-Twilio-Signature` → 403, logged.
  * `/twilio/voice` issues a random per-call token and passes it in `<Parameter name="token">`;
    Twilio hands it back in `start.customParameters`. The media stream is accepted only with a
    token that was issued, is unexpired, is used once, and (when Twilio sent one) belongs to the
    same CallSid. So only calls that came through a signed webhook get an agent.
  * TWILIO_AUTH_TOKEN unset → no validation at all (local development); the server says so
    loudly at start-up (`announce_security`).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from psycopg.types.json import Jsonb
from starlette.datastructures import FormData
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Connect, VoiceResponse

from frontline.call.protocols import Handoff
from frontline.settings import Settings
from frontline.telephony.handoffs import HandoffRecord, HandoffService, HandoffStore
from frontline.telephony.media_stream import StreamStart
from frontline.telephony.transfer import TwilioCalls, transfer_twiml

log = logging.getLogger(__name__)

TOKEN_TTL_S = 120.0  # Twilio opens the stream within a second or two of fetching the TwiML
MAX_TOKENS = 10_000
MEDIA_PATH = "/twilio/media"
STATUS_PATH = "/twilio/status"


@dataclass
class _Issued:
    expires_at: float
    call_sid: str | None


class CallTokens:
    """Single-use, expiring per-call tokens handed from /twilio/voice to the media stream."""

    def __init__(self, ttl_s: float = TOKEN_TTL_S):
        self.ttl_s = ttl_s
        self._issued: dict[str, _Issued] = {}

    def issue(self, call_sid: str | None) -> str:
        self._expire()
        while len(self._issued) >= MAX_TOKENS:  # a flood of webhooks cannot grow this without bound
            self._issued.pop(next(iter(self._issued)))
        tok = secrets.token_urlsafe(24)
        self._issued[tok] = _Issued(time.monotonic() + self.ttl_s, call_sid)
        return tok

    def consume(self, token: object, call_sid: str | None) -> str | None:
        """None if the token is good (and now spent), else why not."""
        self._expire()
        if not isinstance(token, str) or not token:
            return "missing stream token"
        issued = self._issued.pop(token, None)
        if issued is None:
            return "unknown, expired or already used stream token"
        if issued.call_sid and call_sid and issued.call_sid != call_sid:
            return "stream token was issued for another call"
        return None

    def _expire(self) -> None:
        now = time.monotonic()
        for k in [k for k, v in self._issued.items() if v.expires_at <= now]:
            del self._issued[k]

    def __len__(self) -> int:
        return len(self._issued)


def announce_security(settings: Settings) -> None:
    """Start-up banner: validation on/off, and what the Twilio console must point at."""
    if not settings.twilio_auth_token:
        log.warning(
            "\n" + "!" * 78 + "\n"
            "!! TWILIO_AUTH_TOKEN is not set: Twilio webhook signature validation is OFF and\n"
            "!! /twilio/media accepts any stream. Fine on loopback; never expose this server publicly.\n"
            + "!" * 78
        )
    else:
        if not settings.public_url:
            log.warning("TWILIO_AUTH_TOKEN is set but FRONTLINE_PUBLIC_URL is not: signatures are checked against "
                        "the URL this server sees, which fails behind a tunnel or proxy. Set FRONTLINE_PUBLIC_URL.")
        log.info("Twilio signature validation is on (voice webhook: %s/twilio/voice)",
                 (settings.public_url or "<public url>").rstrip("/"))
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        log.warning("TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN unset: a handoff cannot redirect a live Twilio call")


def public_base(settings: Settings, request: Request) -> str:
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


def stream_url(base: str) -> str:
    """wss://HOST[/prefix]/twilio/media — `wss` is the only scheme <Stream> supports."""
    u = urlsplit(base)
    return urlunsplit(("wss", u.netloc, u.path.rstrip("/") + MEDIA_PATH, "", ""))


def voice_twiml(base: str, profile: str, token: str) -> str:
    r = VoiceResponse()
    c = Connect()
    s = c.stream(url=stream_url(base), status_callback=base + STATUS_PATH)
    s.parameter(name="profile", value=profile)
    s.parameter(name="token", value=token)
    r.append(c)
    return str(r)


class Telephony:
    """Per-app Twilio state: validator, tokens, REST client, handoff service."""

    def __init__(self, rt) -> None:
        s: Settings = rt.settings
        self.rt = rt
        self.settings = s
        self.validator = RequestValidator(s.twilio_auth_token) if s.twilio_auth_token else None
        self.tokens = CallTokens()
        self.calls = TwilioCalls(s)
        self.handoffs = HandoffService(HandoffStore(rt.db, s.data_dir / "spool"), s.handoff_webhook_url)

    @property
    def validating(self) -> bool:
        return self.validator is not None

    async def check_signature(self, request: Request, form) -> bool:
        if self.validator is None:
            return True
        url = public_base(self.settings, request) + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        sig = request.headers.get("X-Twilio-Signature", "")
        ok = bool(sig) and self.validator.validate(url, form, sig)
        if not ok:
            client = request.client.host if request.client else "?"
            log.warning("rejected %s from %s: %s X-Twilio-Signature (validated against %s)",
                        request.url.path, client, "bad" if sig else "missing", url)
        return ok

    # -- media stream hooks --------------------------------------------------------------------
    async def authorize(self, start: StreamStart) -> str | None:
        if self.validator is None:
            return None
        why = self.tokens.consume(start.custom_parameters.get("token"), start.call_sid)
        if why:
            log.warning("media stream %s (call %s) refused: %s", start.stream_sid, start.call_sid, why)
        return why

    async def transfer(self, start: StreamStart, session, handoff: Handoff) -> None:
        """Warm transfer of a Twilio call: record, redirect via REST, webhook."""
        rec = HandoffRecord.from_handoff(handoff, call_id=session.record.call_id, call_sid=start.call_sid,
                                         transport="twilio", call_started_at=session.record.started_at)
        target = transfer_twiml(self.rt.profile.transfer)
        rec.target_kind, rec.target = target.kind, target.target
        session.record.meta["handoff_id"] = rec.handoff_id
        redirect = None
        if not start.call_sid:
            rec.transfer_error = "the stream carried no CallSid"
        elif not self.calls.configured:
            rec.transfer_error = "TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN not set"
        elif target.twiml:
            async def redirect(_rec: HandoffRecord) -> None:
                await self.calls.redirect(start.call_sid, target.twiml)
        await self.handoffs.handle(rec, redirect)
        session.record.meta["transfer"] = {"status": rec.transfer_status, "target": target.target,
                                           "kind": target.kind, "error": rec.transfer_error}

    async def hangup(self, start: StreamStart, session) -> None:
        # With <Connect><Stream> and no verbs after it, closing our socket ends the call (§1.1);
        # the media handler closes it as soon as the session has closed.
        log.info("call %s: hanging up (closing the media stream)", start.call_sid)

    async def record_status(self, form) -> None:
        if self.rt.db is None:
            log.info("status callback (no database): %s", dict(form))
            return
        params = {k: form.getlist(k) if len(form.getlist(k)) > 1 else form.get(k) for k in form.keys()}
        async with self.rt.db.pool.connection(timeout=5) as conn:
            await conn.execute(
                """INSERT INTO twilio_status_events (call_sid, account_sid, call_status, stream_sid, stream_event,
                     stream_error, params) VALUES (%s,%s,%s,%s,%s,%s,%s)""",
                (form.get("CallSid"), form.get("AccountSid"), form.get("CallStatus"), form.get("StreamSid"),
                 form.get("StreamEvent"), form.get("StreamError"), Jsonb(params)),
            )


MAX_FORM_BYTES = 64 * 1024


async def read_form(request: Request) -> FormData:
    """Twilio posts application/x-www-form-urlencoded. Parsed here (blank values kept: they are
    signed too) into a Starlette FormData, which RequestValidator reads with getlist()."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return FormData()
    return FormData(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


def get_telephony(app: FastAPI) -> Telephony:
    t = getattr(app.state, "telephony", None)
    if t is None or t.rt is not app.state.runtime:
        t = app.state.telephony = Telephony(app.state.runtime)
    return t


def twilio_router() -> APIRouter:
    router = APIRouter()

    @router.post("/twilio/voice")
    async def voice(request: Request):
        tel = get_telephony(request.app)
        form = await read_form(request)  # FormData itself: RequestValidator uses getlist() for repeated keys
        if not await tel.check_signature(request, form):
            return Response("invalid Twilio signature", status_code=403, media_type="text/plain")
        call_sid = form.get("CallSid")
        token = tel.tokens.issue(call_sid if isinstance(call_sid, str) else None)
        base = public_base(tel.settings, request)
        log.info("incoming call %s from %s → stream %s", call_sid, form.get("From"), stream_url(base))
        return Response(voice_twiml(base, tel.rt.profile.name, token), media_type="application/xml")

    @router.post(STATUS_PATH)
    async def status(request: Request):
        tel = get_telephony(request.app)
        form = await read_form(request)
        if not await tel.check_signature(request, form):
            return Response("invalid Twilio signature", status_code=403, media_type="text/plain")
        log.info("status callback: call %s %s %s", form.get("CallSid"), form.get("CallStatus") or "",
                 form.get("StreamEvent") or "")
        try:
            await tel.record_status(form)
        except Exception as e:  # Twilio retries nothing useful here; never 500 on a callback
            log.error("could not store status callback for %s: %s", form.get("CallSid"), e)
        return Response(status_code=204)

    return router
