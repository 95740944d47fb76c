"""Building the decision Agent for a profile: the only entry point the call session uses.

Why a factory: the session should not know whether decisions come from the offline policy or an
LLM, nor how tools, the allowlist and the handoff gate are wired. `build_agent` picks the path
from `profile.decision` ("policy" by default, "llm" for an OpenAI-compatible endpoint) and gives
both the same tool runner and gate, so their behaviour is audited and gated identically.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from frontline.agent.handoff import HandoffGate
from frontline.agent.registry import REGISTRY, ToolRegistry, ToolRunner
from frontline.agent.tools import AgentDeps
from frontline.call.protocols import Agent
from frontline.knowledge.types import Retriever
from frontline.profile import Profile, ProfileError, estimate_tokens
from frontline.settings import Settings

log = logging.getLogger("frontline.agent")


def build_agent(
    profile: Profile,
    *,
    retriever: Retriever | None,
    db: Any = None,
    settings: Settings | None = None,
    registry: ToolRegistry | None = None,
    weights: dict[str, float] | None = None,
) -> Agent:
    """The decision Agent for `profile`. It also has `cancel(response_id)` for barge-in.

    `retriever` answers lookup_article (a KnowledgeBase); `db` (a frontline Database) stores tool
    calls, gate decisions and callbacks — without it they are only logged. `registry` defaults to
    the process-wide one (built-ins + custom tools); `weights` overrides the confidence calibration.
    """
    if estimate_tokens(profile.system_prompt) > profile.memory.max_system_prompt_tokens:
        raise ProfileError(f"profile {profile.name}: system_prompt exceeds memory.max_system_prompt_tokens")
    reg = registry or REGISTRY
    unknown = [t for t in profile.tools if reg.get(t) is None]
    if unknown:
        log.warning("profile %s allows unknown tools %s; they cannot run", profile.name, unknown)
    gate = HandoffGate(profile.handoff_confidence_threshold, db=db)
    deps = AgentDeps(profile=profile, retriever=retriever, gate=gate, db=db, weights=weights)
    runner = ToolRunner(reg, profile.tools, deps=deps, db=db, filler_ms=profile.slow_tool_filler_ms,
                        filler_line=profile.filler_line)
    _warm_language_model()
    _warm_semantic(profile)
    if profile.decision == "llm":
        from frontline.agent.llm import LLMAgent

        return LLMAgent(profile, runner, deps, settings=settings)
    from frontline.agent.policy import DefaultPolicy

    return DefaultPolicy(profile, runner, deps)


_warmed = False


def _warm_language_model() -> None:
    """Load langid in the background so the first caller turn does not wait ~2 s for it."""
    global _warmed
    if _warmed:
        return
    _warmed = True
    from frontline.agent.language import warm_up

    threading.Thread(target=warm_up, name="langid-warmup", daemon=True).start()


_warmed_semantic: set[tuple[str, ...]] = set()


def _warm_semantic(profile: Profile) -> None:
    """Embed the intent prototypes in the background (once per process and profile categories)."""
    if profile.decision != "policy":
        return
    key = tuple(sorted(c.name + "|" + "|".join(c.examples) for c in profile.must_refuse))
    if key in _warmed_semantic:
        return
    _warmed_semantic.add(key)
    from frontline.agent.semantic import warm_up

    threading.Thread(target=warm_up, args=(list(profile.must_refuse),), name="semantic-warmup", daemon=True).start()
