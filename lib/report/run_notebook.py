"""Runs a notebook top to bottom on a Jupyter kernel and saves it with every output.

    python3 run_notebook.py IN.ipynb OUT.ipynb [KERNEL] [TIMEOUT_S]

Used by lib/report/export.ts instead of `jupyter nbconvert --execute`: Deno's
kernel sometimes publishes `status: idle` a millisecond before a cell's last
display message, and nbclient stops listening at idle, so nbconvert can drop a
figure (docs/platform-notes.md). Here, after each execute_reply, iopub is read
until it has been quiet for QUIET_S, which kept every output in the
measurements. The kernel starts in the notebook's folder, as in JupyterLab, and
inherits this process's environment (TRM_PRESET, NO_COLOR).

Exit status 0: all cells ran; 1: a cell failed (its traceback is on stderr and
in the saved notebook, which holds the cells up to it); 2: bad arguments.
"""

import os
import queue
import re
import sys
import time

import nbformat
from jupyter_client.manager import start_new_kernel

QUIET_S = 0.1
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def collect(kc, msg_id, outputs, deadline):
    """Reads iopub for msg_id until idle was seen and QUIET_S passed without a message."""
    idle = False
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError("cell timed out")
        try:
            msg = kc.get_iopub_msg(timeout=QUIET_S if idle else 1.0)
        except queue.Empty:
            if idle:
                return
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status":
            idle = idle or content["execution_state"] == "idle"
        elif kind == "clear_output":
            outputs.clear()
        elif kind == "stream" and outputs and outputs[-1].get("name") == content["name"]:
            outputs[-1]["text"] += content["text"]  # one output per run of a stream, as Jupyter saves it
        elif kind in ("stream", "display_data", "execute_result", "error"):
            outputs.append(nbformat.v4.output_from_msg(msg))


def wait_reply(km, kc, msg_id, deadline):
    """The execute_reply to msg_id; raises if the kernel dies or the cell runs past deadline."""
    while True:
        try:
            reply = kc.get_shell_msg(timeout=5.0)
        except queue.Empty:
            if not km.is_alive():
                raise RuntimeError("the kernel died")
            if time.monotonic() > deadline:
                raise TimeoutError("cell timed out")
            continue
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def run(src, dst, kernel, timeout):
    nb = nbformat.read(src, as_version=4)
    km, kc = start_new_kernel(kernel_name=kernel, cwd=os.path.dirname(os.path.abspath(src)))
    failed = None
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            cell.outputs = []
            msg_id = kc.execute(cell.source, allow_stdin=False)
            deadline = time.monotonic() + timeout
            reply = wait_reply(km, kc, msg_id, deadline)
            collect(kc, msg_id, cell.outputs, deadline)
            cell.execution_count = reply["content"].get("execution_count")
            if reply["content"]["status"] != "ok":
                c = reply["content"]
                failed = ANSI.sub("", "\n".join(c.get("traceback") or [f"{c.get('ename')}: {c.get('evalue')}"]))
                break
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    nbformat.write(nb, dst)
    if failed is not None:
        sys.stderr.write(f"{src}: a cell failed:\n{cell.source}\n{failed}\n")
        return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    args = sys.argv[1:]
    sys.exit(run(args[0], args[1], args[2] if len(args) > 2 else "deno", float(args[3]) if len(args) > 3 else 900))
