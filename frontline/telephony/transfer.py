"""Warm transfer of a live Twilio call to a person (shared/reference/PROTOCOLS.md §1.6, option A/B).

The session has already spoken the one short transfer line and waited for it to play. Here the
live call is redirected through the REST API: `client.calls(call_sid).update(twiml=…)` with
`<Dial>` the profile's agent number, or `<Enqueue>` its queue when no number is set. The new
TwiML replaces the running `<Connect><Stream>`; Twilio then stops the stream and closes the socket.

The sync `twilio` client runs in a worker thread. `FRONTLINE_TWILIO_API_BASE` points it at another
base URL (tests use a loopback stand-in for api.twilio.com); the request path is unchanged:
POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json with form field `Twiml`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

from frontline.profile import Transfer
from frontline.settings import Settings

log = logging.getLogger(__name__)

DIAL_TIMEOUT_S = 30


@dataclass
class TransferTarget:
    kind: str  # "dial" | "enqueue" | "none"
    target: str | None
    twiml: str | None


def transfer_twiml(transfer: Transfer) -> TransferTarget:
    """TwiML that takes over the call: <Dial> the agent number, else <Enqueue> the queue."""
    r = VoiceResponse()
    if transfer.agent_number:
        kw = {"timeout": DIAL_TIMEOUT_S}
        if transfer.caller_id:
            kw["caller_id"] = transfer.caller_id
        r.dial(transfer.agent_number, **kw)
        return TransferTarget("dial", transfer.agent_number, _xml(r))
    if transfer.queue:
        r.enqueue(transfer.queue)
        return TransferTarget("enqueue", transfer.queue, _xml(r))
    return TransferTarget("none", None, None)


def _xml(r: VoiceResponse) -> str:
    # to_xml(xml_declaration=False): the REST `Twiml` field wants the document, not the declaration
    return r.to_xml(xml_declaration=False)


class TransferError(RuntimeError):
    pass


class TwilioCalls:
    """The few REST operations a call needs: redirect to new TwiML, hang up."""

    def __init__(self, settings: Settings):
        self.account_sid = settings.twilio_account_sid
        self.auth_token = settings.twilio_auth_token
        self.api_base = settings.twilio_api_base
        self._client: Client | None = None

    @property
    def configured(self) -> bool:
        return bool(self.account_sid and self.auth_token)

    def client(self) -> Client:
        if not self.configured:
            raise TransferError("TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN are not set: cannot use the Twilio REST API")
        if self._client is None:
            c = Client(self.account_sid, self.auth_token)
            if self.api_base:
                c.api.base_url = self.api_base.rstrip("/")  # the Api domain builds every /2010-04-01 URL from this
            self._client = c
        return self._client

    async def redirect(self, call_sid: str, twiml: str) -> None:
        """Replace the live call's TwiML (POST …/Calls/{CallSid}.json, Twiml=…)."""
        await self._update(call_sid, twiml=twiml)

    async def hangup(self, call_sid: str) -> None:
        await self._update(call_sid, status="completed")

    async def _update(self, call_sid: str, **kw) -> None:
        client = self.client()
        try:
            await asyncio.to_thread(lambda: client.calls(call_sid).update(**kw))
        except Exception as e:  # TwilioRestException, connection errors
            raise TransferError(f"Twilio call update for {call_sid} failed: {e}") from e
