"""A worker process holding one neural voice: `python -m audiobook.engines.neural_worker
'["engine", "voice", {options}]'`.

It loads the voice once, says `{"version": …, "rate": …}` on stdout, then reads one JSON
request a line (`{"text", "speed", "path"}`) and writes the clip as a 16-bit WAV at the
model's own rate, answering `{"ok": true}` or `{"error": …}`. The libraries' own printing
goes to stderr: stdout carries the answers alone. It ends when stdin closes.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import wave
from typing import IO, Any


def write_wav(path: str, samples: Any, rate: int) -> None:
    """Float samples in [-1, 1] as a mono 16-bit WAV."""
    import numpy as np

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).round()
    with wave.open(path, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(pcm.astype("<i2").tobytes())


def reply(out: IO[bytes], answer: dict[str, Any]) -> None:
    """One answer, with this worker's peak memory so far (for the benchmarks)."""
    answer["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write(json.dumps(answer).encode("utf-8") + b"\n")
    out.flush()


def main() -> None:
    # onnxruntime sends usage telemetry from Linux too (DNS lookups every few seconds,
    # measured), unless this is set before it loads; it reads it in C, hence putenv.
    os.putenv("ORT_DISABLE_TELEMETRY", "1")
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what libraries print is not an answer
    engine, voice, options = json.loads(sys.argv[1])
    try:
        module = importlib.import_module(f"audiobook.engines.{engine}")
        model = module.load_model(voice, options)
    except Exception as e:  # the parent names the engine and voice
        reply(answers, {"error": f"cannot load the voice: {type(e).__name__}: {e}"})
        return
    reply(answers, {"version": model.version, "rate": model.rate})
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            samples = model.speak(request["text"], float(request.get("speed", 1.0)))
            write_wav(request["path"], samples, model.rate)
        except Exception as e:
            reply(answers, {"error": f"{type(e).__name__}: {e}"})
            continue
        reply(answers, {"ok": True})


if __name__ == "__main__":
    main()
