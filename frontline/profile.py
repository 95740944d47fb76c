"""The agent profile: one YAML file that says who the agent is and how it behaves.

Persona, languages, opening lines, tools allowlist, must-refuse categories, thresholds and
transfer targets. Secrets and URLs are *not* here (see settings.py). Every field has a default
so an empty file is a valid profile; `load_profile()` with no path loads the bundled sample.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, field_validator, model_validator

BUNDLED_PROFILE = Path(__file__).parent / "profiles" / "default.yaml"


class ProfileError(ValueError):
    """A profile file that cannot be used; the message names the file and the reason."""


class MustRefuseCategory(BaseModel):
    name: str
    description: str = ""
    examples: list[str] = Field(default_factory=list)


class TurnTaking(BaseModel):
    end_of_turn_silence_ms: int = Field(300, ge=100, le=2000)
    vad_threshold: float = Field(0.5, gt=0, lt=1)
    vad_negative_threshold: float = Field(0.35, gt=0, lt=1)
    min_speech_ms: int = Field(96, ge=32)
    barge_in_ms: int = Field(200, ge=64, description="voiced caller speech that interrupts the agent")
    reprompt_after_s: float = Field(8.0, gt=0)
    hangup_after_reprompt_s: float = Field(8.0, gt=0)
    max_turn_s: float = Field(30.0, gt=1, description="force end of turn after this much speech")
    not_heard_min_voiced_ms: int = Field(
        600, ge=100, description="a turn with at least this much voiced speech that the STT returns empty "
        "is answered with `not_heard` (asked to repeat) instead of being ignored like a cough")
    not_heard_handoff_after: int = Field(
        2, ge=0, description="after this many such turns in a row the caller is handed to a person "
        "(low_confidence, confidence 0) with `not_heard_handoff`; 0 = keep asking to repeat")


class Transfer(BaseModel):
    agent_number: str | None = None  # E.164 number to <Dial>
    queue: str | None = "support"  # <Enqueue> queue name when no number is set
    caller_id: str | None = None
    line: str = "Let me connect you with a member of our team. One moment, please."


class Memory(BaseModel):
    max_exchanges: int = Field(12, ge=1)
    prompt_token_budget: int = Field(3000, ge=256)
    max_system_prompt_tokens: int = Field(1500, ge=64)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free token estimate (~4 characters or ~0.75 words per token, whichever is larger)."""
    return max(math.ceil(len(text) / 4), math.ceil(len(text.split()) * 4 / 3)) if text else 0


class LLMDecision(BaseModel):
    """The optional LLM decision path (`decision: llm`): any OpenAI-compatible chat endpoint.
    The base URL and key default to OPENAI_BASE_URL / OPENAI_API_KEY (settings)."""

    model: str = "gpt-4o-mini"
    base_url: str | None = None
    temperature: float = Field(0.2, ge=0, le=2)
    max_tokens: int = Field(300, ge=16)
    timeout_s: float = Field(20.0, gt=0)
    max_tool_rounds: int = Field(3, ge=1, le=8)


class Profile(BaseModel):
    name: str = "default"
    company: str = "Acme Cloud"
    agent_name: str = "Ava"
    persona: str = "a friendly, concise customer-support agent"
    languages: list[str] = Field(default_factory=lambda: ["en"])
    namespace: str = "default"
    voice: str = "hibari-us"

    greeting: str = "Thanks for calling {company}. I'm {agent_name}, a virtual assistant."
    disclosure: str = "I'm an AI, and this call is recorded for quality."
    fast_path: str = "Say 'agent' at any time to reach a person. How can I help you today?"
    reprompt: str = "Are you still there? How can I help?"
    not_heard: str = "Sorry, I didn't catch that. Could you say it again?"
    not_heard_handoff: str = "I'm having trouble hearing you, so let me connect you with a colleague."
    goodbye: str = "I haven't heard anything, so I'll end the call now. Goodbye!"
    system_prompt: str = ""

    tools: list[str] = Field(default_factory=lambda: ["lookup_article", "handoff_to_human"])
    must_refuse: list[MustRefuseCategory] = Field(default_factory=list)
    handoff_confidence_threshold: float = Field(0.7, ge=0, le=1)
    slow_tool_filler_ms: int = Field(700, ge=0)
    filler_line: str = "Let me check that for you."
    decision: Literal["policy", "llm"] = "policy"  # deterministic default policy, or an LLM with tools
    llm: LLMDecision = Field(default_factory=LLMDecision)

    turn_taking: TurnTaking = Field(default_factory=TurnTaking)
    transfer: Transfer = Field(default_factory=Transfer)
    memory: Memory = Field(default_factory=Memory)

    @field_validator("languages")
    @classmethod
    def _languages_nonempty(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("a profile must state at least one language")
        return [x.lower() for x in v]

    @model_validator(mode="after")
    def _system_prompt_fits(self) -> "Profile":
        n = estimate_tokens(self.system_prompt)
        if n > self.memory.max_system_prompt_tokens:
            raise ValueError(
                f"system_prompt is about {n} tokens, over memory.max_system_prompt_tokens "
                f"({self.memory.max_system_prompt_tokens}); shorten it or raise the limit"
            )
        return self

    def opening_lines(self) -> list[str]:
        """What the agent says when the call connects: greeting, AI + recording disclosure, fast path."""
        fmt = {"company": self.company, "agent_name": self.agent_name}
        return [s.format(**fmt) for s in (self.greeting, self.disclosure, self.fast_path) if s]


def load_profile(path: str | Path | None = None) -> Profile:
    p = Path(path) if path else BUNDLED_PROFILE
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as e:
        raise ProfileError(f"{p}: profile file not found") from e
    except yaml.YAMLError as e:
        raise ProfileError(f"{p}: not valid YAML: {e}") from e
    if not isinstance(raw, dict):
        raise ProfileError(f"{p}: a profile must be a YAML mapping, got {type(raw).__name__}")
    try:
        return Profile.model_validate(raw)
    except Exception as e:  # pydantic.ValidationError: keep its precise field messages
        raise ProfileError(f"{p}: invalid profile: {e}") from e
