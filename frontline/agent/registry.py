"""Tools the agent may call: declared once, checked at run time, and audited every time.

Why a registry rather than plain functions: a contact-center agent acts on real systems, so every
tool must say up front whether it only *reads* (look up an article) or *writes* (book a callback),
carry a JSON schema the arguments are checked against (the LLM path hands the same schema to the
model), and run only if the agent profile's `tools:` allowlist names it. The `ToolRunner` enforces
the allowlist, validates arguments, ties each call to the caller turn's `response_id` (so a barge-in
can discard pending results and stop writes), yields a spoken filler when a tool is slow, and
records every call — allowed or not — in a structured log line and the `tool_calls` table.

Custom tools are plain async functions registered with a decorator, taking either a JSON schema
(arguments arrive as a dict) or a pydantic model (arguments arrive as a validated instance):

    @REGISTRY.tool(OrderStatusArgs, kind="read", description="Status of one order by number.")
    async def order_status(ctx: ToolContext, args: OrderStatusArgs) -> dict: ...

A tool returns a JSON-able dict, or a `ToolOutput` when it also changed something (`changed`) or
wants to hand native objects (`native`, e.g. retrieval `Hit`s) back to the in-process policy.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from frontline.call.protocols import Say

log = logging.getLogger("frontline.agent.tools")

ToolKind = Literal["read", "write"]


class ToolError(RuntimeError):
    """A tool failed in a way the agent should treat as 'no result' (the message is logged)."""


# ---------------------------------------------------------------------------------------------
# Declarations
# ---------------------------------------------------------------------------------------------


@dataclass
class ToolOutput:
    result: dict[str, Any]
    changed: dict[str, Any] | None = None  # what the tool changed in the world (writes only)
    native: Any = None  # in-process objects for the policy; never serialized


@dataclass
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments object
    kind: ToolKind
    fn: Callable[..., Awaitable[Any]]
    model: type[BaseModel] | None = None

    def openai_tool(self) -> dict[str, Any]:
        """The chat-completions `tools` entry for this tool."""
        return {
            "type": "function",
            "function": {"name": self.name, "description": self.description, "parameters": self.parameters},
        }

    def validate(self, args: Any) -> Any:
        """Checked arguments (a model instance for pydantic tools); raises ValueError with the reason."""
        if self.model is not None:
            try:
                return self.model.model_validate(args)
            except ValidationError as e:
                raise ValueError(str(e)) from e
        errors = schema_errors(self.parameters, args)
        if errors:
            raise ValueError("; ".join(errors))
        return args


class ToolRegistry:
    """Named tool declarations. `copy()` gives an independent registry (tests, per-deployment extras)."""

    def __init__(self) -> None:
        self._tools: dict[str, ToolSpec] = {}

    def register(self, spec: ToolSpec) -> ToolSpec:
        if not re.fullmatch(r"[a-zA-Z0-9_-]{1,64}", spec.name):
            raise ValueError(f"tool name {spec.name!r} must be 1-64 letters, digits, '_' or '-'")
        if spec.kind not in ("read", "write"):
            raise ValueError(f"tool {spec.name}: kind must be 'read' or 'write', not {spec.kind!r}")
        if spec.parameters.get("type") != "object":
            raise ValueError(f"tool {spec.name}: the parameters schema must be a JSON object schema")
        self._tools[spec.name] = spec
        return spec

    def tool(
        self,
        schema: dict[str, Any] | type[BaseModel],
        *,
        kind: ToolKind,
        name: str | None = None,
        description: str | None = None,
    ) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
        """Decorator: register `async def fn(ctx, args)` under `name` (default: the function name)."""

        def deco(fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            model = schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None
            params = model.model_json_schema() if model else dict(schema)  # type: ignore[arg-type]
            desc = description or (fn.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
            self.register(ToolSpec(name or fn.__name__, desc, params, kind, fn, model))
            return fn

        return deco

    def get(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return sorted(self._tools)

    def allowed(self, allowlist: list[str]) -> list[ToolSpec]:
        return [self._tools[n] for n in allowlist if n in self._tools]

    def copy(self) -> ToolRegistry:
        r = ToolRegistry()
        r._tools = dict(self._tools)
        return r


# ---------------------------------------------------------------------------------------------
# A small JSON-schema checker (the subset tool schemas use; no extra dependency)
# ---------------------------------------------------------------------------------------------

_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Violations of `schema` by `value` (type, enum, required, properties, additionalProperties,
    min/maxLength, pattern, min/maxItems, items, minimum/maximum). Empty list = valid."""
    errs: list[str] = []
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        if not any(_TYPES.get(x, lambda v: True)(value) for x in types):
            return [f"{path}: expected {'/'.join(types)}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append(f"{path}: longer than {schema['maxLength']} characters")
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append(f"{path}: shorter than {schema['minLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errs.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errs.append(f"{path}: below minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errs.append(f"{path}: above maximum {schema['maximum']}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errs.append(f"{path}: more than {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            errs.append(f"{path}: fewer than {schema['minItems']} items")
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                errs += schema_errors(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for req in schema.get("required", []):
            if req not in value:
                errs.append(f"{path}: missing required property {req!r}")
        for k, v in value.items():
            if k in props:
                errs += schema_errors(props[k], v, f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                errs.append(f"{path}: unexpected property {k!r}")
    return errs


# ---------------------------------------------------------------------------------------------
# Running tools
# ---------------------------------------------------------------------------------------------


@dataclass
class ToolContext:
    """What a running tool may use. `live()` is False once the owning response was interrupted:
    write tools check it right before they commit, so an interrupted response changes nothing."""

    call_id: str
    response_id: str
    call_sid: str | None
    deps: Any  # the agent's dependencies (retriever, db, gate, profile); see policy.AgentDeps
    runner: ToolRunner

    def live(self) -> bool:
        return not self.runner.is_cancelled(self.response_id)


@dataclass
class ToolResult:
    name: str
    status: str  # ok | error | denied | invalid | discarded
    result: dict[str, Any] | None = None
    native: Any = None
    changed: dict[str, Any] | None = None
    error: str | None = None
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def for_model(self) -> str:
        """The tool message content handed back to an LLM."""
        if self.ok:
            return json.dumps(self.result, ensure_ascii=False)
        return json.dumps({"error": self.error or self.status, "status": self.status})


class ToolRunner:
    """Runs tools for one agent (all of its calls), enforcing the profile's allowlist.

    Audit rows are written by background tasks so the database never sits on the latency path;
    `flush()` waits for them (tests, shutdown)."""

    def __init__(
        self,
        registry: ToolRegistry,
        allowlist: list[str],
        *,
        deps: Any = None,
        db: Any = None,
        filler_ms: int = 700,
        filler_line: str = "Let me check that for you.",
    ) -> None:
        self.registry = registry
        self.allowlist = list(allowlist)
        self.deps = deps
        self.db = db
        self.filler_ms = filler_ms
        self.filler_line = filler_line
        self._cancelled: OrderedDict[str, None] = OrderedDict()
        self._inflight: dict[str, set[asyncio.Task]] = {}
        self._bg: set[asyncio.Task] = set()

    # -- interruption ----------------------------------------------------------------------
    def cancel(self, response_id: str) -> None:
        """The caller interrupted `response_id`: stop its tools, discard results, allow no writes."""
        self._cancelled[response_id] = None
        while len(self._cancelled) > 4096:
            self._cancelled.popitem(last=False)
        for task in list(self._inflight.get(response_id, ())):
            task.cancel()

    def is_cancelled(self, response_id: str) -> bool:
        return response_id in self._cancelled

    # -- calls -----------------------------------------------------------------------------
    def allowed_specs(self) -> list[ToolSpec]:
        return self.registry.allowed(self.allowlist)

    async def call(
        self, name: str, args: Any, *, why: str, call_id: str, response_id: str, call_sid: str | None = None
    ) -> ToolResult:
        """Run one tool call to completion (or refusal) and audit it."""
        t0 = time.perf_counter()
        spec = self.registry.get(name)
        kind = spec.kind if spec else "unknown"
        audit = {"call_id": call_id, "response_id": response_id, "tool": name, "kind": kind,
                 "arguments": args if isinstance(args, dict) else {"_raw": args}, "why": why}

        def done(res: ToolResult) -> ToolResult:
            res.duration_ms = (time.perf_counter() - t0) * 1000
            self._audit(audit, res)
            return res

        if self.is_cancelled(response_id):
            return done(ToolResult(name, "discarded", error="response was interrupted before the call"))
        if spec is None or name not in self.allowlist:
            why_not = "unknown tool" if spec is None else "not in the profile's tools allowlist"
            return done(ToolResult(name, "denied", error=f"{name}: {why_not}"))
        try:
            checked = spec.validate(args)
        except ValueError as e:
            return done(ToolResult(name, "invalid", error=f"invalid arguments: {e}"))
        ctx = ToolContext(call_id, response_id, call_sid, self.deps, self)
        task = asyncio.current_task()
        if task is not None:
            self._inflight.setdefault(response_id, set()).add(task)
        try:
            out = await spec.fn(ctx, checked)
        except asyncio.CancelledError:
            done(ToolResult(name, "discarded", error="response was interrupted during the call"))
            raise
        except Exception as e:  # a failing tool is a 'no result', never a crashed call
            log.exception("tool %s failed", name)
            return done(ToolResult(name, "error", error=f"{type(e).__name__}: {e}"))
        finally:
            if task is not None:
                s = self._inflight.get(response_id)
                if s is not None:
                    s.discard(task)
                    if not s:
                        self._inflight.pop(response_id, None)
        if not isinstance(out, ToolOutput):
            out = ToolOutput(result=out if isinstance(out, dict) else {"result": out})
        if self.is_cancelled(response_id):
            # the result arrived after the caller barged in: nobody will hear it; drop it
            return done(ToolResult(name, "discarded", changed=out.changed,
                                   error="response was interrupted; result discarded"))
        return done(ToolResult(name, "ok", result=out.result, native=out.native, changed=out.changed))

    async def stream(
        self, name: str, args: Any, *, why: str, call_id: str, response_id: str, call_sid: str | None = None
    ) -> AsyncIterator[Say | ToolResult]:
        """Run a tool; if it has not returned within `filler_ms`, first yield one filler Say.
        The last item is always the ToolResult. Closing this generator cancels the tool."""
        task = asyncio.create_task(
            self.call(name, args, why=why, call_id=call_id, response_id=response_id, call_sid=call_sid)
        )
        self._inflight.setdefault(response_id, set()).add(task)
        try:
            done, _ = await asyncio.wait({task}, timeout=self.filler_ms / 1000)
            if not done and not self.is_cancelled(response_id):
                yield Say(self.filler_line, kind="filler")
            yield await task
        finally:
            if not task.done():
                task.cancel()
                try:
                    await task
                except BaseException:  # noqa: BLE001 - it was cancelled on purpose
                    pass
            s = self._inflight.get(response_id)
            if s is not None:
                s.discard(task)
                if not s:
                    self._inflight.pop(response_id, None)

    # -- audit -----------------------------------------------------------------------------
    def _audit(self, audit: dict[str, Any], res: ToolResult) -> None:
        row = {**audit, "status": res.status, "result": res.result, "changed": res.changed,
               "error": res.error, "duration_ms": round(res.duration_ms, 2)}
        log.info("tool_call %s", json.dumps(row, default=str, ensure_ascii=False)[:4000],
                 extra={"tool_call": row})
        if self.db is not None:
            self.background(self._store(row))

    def background(self, coro: Awaitable[Any]) -> None:
        """Run an audit write without making the caller wait; kept referenced until it finishes."""
        try:
            task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        except RuntimeError:  # no loop (should not happen inside the agent)
            return
        self._bg.add(task)
        task.add_done_callback(self._bg.discard)

    async def _store(self, row: dict[str, Any]) -> None:
        try:
            async with self.db.pool.connection() as conn:
                await conn.execute(
                    "INSERT INTO tool_calls (call_id, response_id, tool, kind, arguments, why, status,"
                    " result, changed, error, duration_ms)"
                    " VALUES (%s,%s,%s,%s,%s::jsonb,%s,%s,%s::jsonb,%s::jsonb,%s,%s)",
                    (row["call_id"], row["response_id"], row["tool"], row["kind"], _json(row["arguments"]),
                     row["why"][:2000], row["status"], _json(row["result"]), _json(row["changed"]),
                     row["error"], row["duration_ms"]),
                )
        except Exception:  # the audit trail must never break a call
            log.exception("could not store tool call %s", row.get("tool"))

    async def flush(self) -> None:
        while self._bg:
            await asyncio.gather(*list(self._bg), return_exceptions=True)


def _json(v: Any) -> str | None:
    return None if v is None else json.dumps(v, default=str, ensure_ascii=False)


REGISTRY = ToolRegistry()
"""The process-wide registry: the built-in tools (tools.py) plus any custom ones registered on it."""


def tool(schema: dict[str, Any] | type[BaseModel], *, kind: ToolKind, name: str | None = None,
         description: str | None = None):
    """Register a custom tool on the process-wide REGISTRY (see the module docstring)."""
    return REGISTRY.tool(schema, kind=kind, name=name, description=description)


__all__ = ["REGISTRY", "ToolContext", "ToolError", "ToolOutput", "ToolRegistry", "ToolResult",
           "ToolRunner", "ToolSpec", "schema_errors", "tool"]
