"""Process-wide settings from environment variables (secrets, URLs, paths).

Everything about *how the agent behaves* lives in the YAML agent profile (profile.py);
this module only holds what differs between deployments. Nothing is required to start.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "frontline"


class Settings(BaseSettings):
    # an empty variable means "not set" (FRONTLINE_DATA_DIR= must not put the data in the current directory)
    model_config = SettingsConfigDict(env_prefix="FRONTLINE_", extra="ignore", env_ignore_empty=True)

    # Storage: DATABASE_URL (no prefix) points at any Postgres with pgvector; unset → embedded pgserver.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default_factory=_default_data_dir)

    # Which agent profile to load (a YAML path); unset → the bundled sample profile.
    profile: Path | None = None

    # Public URL the server is reachable at (Twilio webhooks and the <Stream> wss:// URL are built from it).
    public_url: str | None = None

    # Twilio (REST transfer + signature validation). Unset auth token → validation off (warned loudly).
    twilio_account_sid: str | None = Field(default=None, validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: str | None = Field(default=None, validation_alias="TWILIO_AUTH_TOKEN")
    twilio_api_base: str | None = None  # tests point the twilio client at a local stand-in

    # OpenAI-compatible endpoints (optional engines)
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: str | None = Field(default=None, validation_alias="OPENAI_BASE_URL")

    # Handoff webhook (CRM / paging), optional
    handoff_webhook_url: str | None = None

    # Capacity: concurrent calls accepted by one process; inference threads shared by all calls.
    max_calls: int = 16
    inference_threads: int = 2
    stt_threads: int = 2


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
