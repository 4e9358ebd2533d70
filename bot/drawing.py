"""The drawing process (``python -m bot.drawing``): reads requests on its standard input, each a
length (8 bytes) then a pickled ``(function, data)``, and answers on its standard output with a
length then a pickled ``(status, result, peak memory in KiB)``. It ends when its input ends.
Started by ``bot.render.Drawer``; nothing else of the bot is imported here."""

from __future__ import annotations

import pickle
import resource
import sys
import traceback


def serve() -> None:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = inp.read(8)
        if len(head) < 8:
            return
        request = inp.read(int.from_bytes(head, "big"))
        try:
            fn, data = pickle.loads(request)
            answer = ("ok", fn(data))
        except Exception as err:  # the caller logs it
            traceback.print_exc(file=sys.stderr)
            answer = ("error", f"{type(err).__name__}: {err}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reply = pickle.dumps((*answer, peak), protocol=pickle.HIGHEST_PROTOCOL)
        out.write(len(reply).to_bytes(8, "big") + reply)
        out.flush()


if __name__ == "__main__":
    serve()
