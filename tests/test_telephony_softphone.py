"""The browser softphone in a real headless Chromium (Debian `chromium`, driven by Playwright with
executable_path=/usr/bin/chromium; no browser download). Chromium's fake microphone plays a question
WAV synthesized here; the page places a call over WS /phone, plays the agent's audio, echoes marks,
and its live transcript must show the answer. Skips only when Chromium/Playwright truly cannot be
had, loudly. A second test speaks the /phone wire protocol directly (no browser)."""

from __future__ import annotations

import asyncio
import json
import os
import time
import warnings

import numpy as np
import pytest
import websockets

from frontline.audio.codec import float_to_pcm16, resample
from frontline.audio.wav import write_wav
from frontline.server.app import create_app
from frontline.server.local import serve_in_process
from frontline.server.runtime import build_runtime
from frontline.sim.call import caller_voice

CHROMIUM = os.environ.get("FRONTLINE_CHROMIUM", "/usr/bin/chromium")
QUESTION = "How do I download my invoice?"


@pytest.fixture(scope="module")
async def rt(settings):
    runtime = await build_runtime(settings)
    yield runtime
    await runtime.close()


def speech(text: str, rate: int) -> np.ndarray:
    tts = caller_voice("hibari-us")
    audio = np.concatenate(list(tts.synthesize(text)))
    return float_to_pcm16(resample(audio.astype(np.float32), tts.sample_rate, rate))


def loud_skip(reason: str):
    msg = f"SOFTPHONE BROWSER TEST SKIPPED: {reason}"
    warnings.warn(msg, stacklevel=2)
    print("\n" + "!" * 70 + "\n" + msg + "\n" + "!" * 70)
    pytest.skip(msg)


async def stored(rt, call_id: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rec = rt.find_call(call_id)
        if rec is not None and rec.ended_at is not None and rec.meta.get("stored") == "db":
            return await rt.store.load(call_id)
        await asyncio.sleep(0.05)
    raise AssertionError(f"call {call_id} not stored")


async def test_softphone_in_headless_chromium(rt, tmp_path):
    if not os.path.exists(CHROMIUM):
        loud_skip(f"{CHROMIUM} is missing (make test-deps installs Debian's chromium when run as root)")
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        loud_skip("the playwright Python package is not installed (make test-deps installs it)")

    # Chromium's fake capture device loops this file: 0.5 s silence, the question, then a long silence
    rate = 16000
    wav = tmp_path / "question.wav"
    pcm = np.concatenate([np.zeros(rate // 2, np.int16), speech(QUESTION, rate), np.zeros(rate * 40, np.int16)])
    write_wav(wav, pcm, rate)
    args = [
        "--no-sandbox", "--disable-gpu", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}", "--autoplay-policy=no-user-gesture-required",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage",
    ]
    async with serve_in_process(create_app(rt)) as base, async_playwright() as p:
        try:
            browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        except Exception as e:
            loud_skip(f"Chromium at {CHROMIUM} would not start: {e}")
        try:
            page = await browser.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text))
            await page.goto(base + "/")
            assert await page.title() == "Frontline softphone"
            await page.click("#call")
            try:
                await page.wait_for_function(
                    """() => Object.values(window.softphone.turns).some(
                           t => t.role === 'agent' && t.index > 0 && /invoice/i.test(t.text))""",
                    timeout=90_000)
            except Exception:
                state = await page.evaluate("() => JSON.stringify(window.softphone)")
                raise AssertionError(f"no answer in the transcript: {state}\nconsole: {console[-20:]}")
            state = await page.evaluate("() => window.softphone")
            call_id = state["callId"]
            turns = sorted(state["turns"].values(), key=lambda t: t["index"])
            caller = [t for t in turns if t["role"] == "caller"]
            assert caller and "invoice" in caller[0]["text"].lower()
            answer = next(t for t in turns if t["role"] == "agent" and "invoice" in t["text"].lower())
            assert answer["latency_ms"]["turn_gap"] > 0
            # the transcript on the page shows both sides and the turn's latency
            items = await page.locator("#transcript li").all_inner_texts()
            assert any("You:" in i and "invoice" in i.lower() for i in items), items
            agent_li = page.locator(f'#transcript li[data-index="{answer["index"]}"]')
            assert (await agent_li.get_attribute("data-latency-ms")) is not None
            assert " ms" in await agent_li.inner_text()
            # agent audio really played in the page: frames scheduled on the AudioContext, marks echoed
            assert state["framesPlayed"] > 50
            await page.click("#hangup")
            await page.wait_for_function("() => window.softphone.ended !== null", timeout=10_000)
        finally:
            await browser.close()
    call = await stored(rt, call_id)
    assert call["transport"] == "browser" and call["end_reason"] == "caller_hangup"
    assert any(t["role"] == "caller" and "invoice" in t["text"].lower() for t in call["turns"])


async def test_phone_protocol_answer_and_barge_in(rt):
    """WS /phone without a browser: question up as PCM16 16 kHz, answer down, marks + positions echoed,
    then barge-in: `clear` arrives and the stored answer is the heard prefix, interrupted."""
    question = speech(QUESTION, 16000)
    interruption = speech("How do I reset my password?", 16000)
    async with serve_in_process(create_app(rt)) as base:
        async with websockets.connect(base.replace("http://", "ws://") + "/phone") as ws:
            ready = json.loads(await ws.recv())
            assert ready["type"] == "ready" and ready["in_rate"] == 16000 and ready["out_rate"] == 16000
            events: list[tuple[float, dict]] = []
            played = {"frames": 0}
            meta: dict | None = None

            async def receiver():
                nonlocal meta
                async for raw in ws:
                    if isinstance(raw, bytes):
                        assert meta is not None and len(raw) == meta["samples"] * 2
                        # "play" in real time: report the frame as played when its 20 ms have elapsed
                        asyncio.get_running_loop().call_later(
                            0.02 * (1 + played["frames"] % 3), lambda m=meta: asyncio.ensure_future(
                                ws.send(json.dumps({"type": "mark", "name": m["mark"]}))))
                        played["frames"] += 1
                        events.append((time.monotonic(), {"type": "audio_bytes"}))
                        meta = None
                        continue
                    m = json.loads(raw)
                    if m["type"] == "audio":
                        meta = m
                    events.append((time.monotonic(), m))

            rtask = asyncio.create_task(receiver())

            async def talk(pcm: np.ndarray) -> None:
                for i in range(0, len(pcm) + 16000 // 2, 320):  # the line, then 0.5 s of silence
                    chunk = pcm[i:i + 320] if i < len(pcm) else np.zeros(320, np.int16)
                    await ws.send(np.pad(chunk, (0, 320 - len(chunk))).astype("<i2").tobytes())
                    await asyncio.sleep(0.02)

            async def silence_until(pred, timeout):
                deadline = time.monotonic() + timeout
                while not pred() and time.monotonic() < deadline:
                    await ws.send(np.zeros(320, "<i2").tobytes())
                    await asyncio.sleep(0.02)
                assert pred()

            await silence_until(lambda: any(e.get("type") == "turn" and e["role"] == "agent" for _, e in events), 30)
            await silence_until(lambda: events and time.monotonic() - events[-1][0] > 0.8, 30)  # greeting done
            n0 = len(events)
            await talk(question)
            await silence_until(lambda: sum(1 for _, e in events[n0:] if e.get("type") == "audio") > 90, 30)
            await talk(interruption)  # ~1.8 s into the answer
            await silence_until(lambda: any(e.get("type") == "clear" for _, e in events[n0:]), 10)
            await silence_until(lambda: any(e.get("type") == "turn" and "password" in e["text"].lower()
                                            for _, e in events[n0:]), 30)
            await ws.send(json.dumps({"type": "hangup"}))
            await asyncio.wait_for(rtask, 10)
            call_id = ready["call_id"]
    call = await stored(rt, call_id)
    turns = call["turns"]
    q = next(t for t in turns if t["role"] == "caller" and "invoice" in t["text"].lower())
    answer = turns[q["idx"] + 1]
    assert answer["role"] == "agent" and "invoice" in answer["full_text"].lower()
    assert answer["interrupted"] is True
    assert 0 < len(answer["text"]) < len(answer["full_text"]) and answer["full_text"].startswith(answer["text"])
    assert call["end_reason"] == "caller_hangup" and call["transport"] == "browser"
