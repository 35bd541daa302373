"""Drives the tl kernel with Jupyter's own client (jupyter_client), as JupyterLab or nbclient would.

Run by Tests/TLJupyterTests (the Swift tests assert on what it prints), with JUPYTER_PATH pointing at a
folder where `tl kernel install --prefix` put the kernelspec:

    python kernel_driver.py session      # one JSON object: what each request got back
    python kernel_driver.py inspect NB   # one JSON object: whether NB validates, and its outputs
"""
import json
import sys
import time

from jupyter_client.manager import start_new_kernel
import nbformat

TIMEOUT = 120


def collect(kc, msg_id, timeout=TIMEOUT):
    """The iopub messages caused by msg_id, up to its idle status, as (type, content) pairs."""
    outputs = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        outputs.append((msg["msg_type"], msg["content"]))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    return outputs


def shell_reply(kc, msg_id, timeout=TIMEOUT):
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def execute(kc, code):
    msg_id = kc.execute(code)
    outputs = collect(kc, msg_id)
    return {"reply": shell_reply(kc, msg_id), "outputs": [{"type": t, "content": c} for t, c in outputs]}


def request(kc, method, *args, **kwargs):
    msg_id = getattr(kc, method)(*args, **kwargs)
    collect(kc, msg_id)
    return shell_reply(kc, msg_id)


LONG_FIT = """set_seed(1)
m = sequential()
m.add(dense(8, activation="relu", input_dim=2))
m.add(dense(1, activation="sigmoid"))
m.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])
x = [[0, 0], [0, 1], [1, 0], [1, 1]] * 25000
y = [0, 1, 1, 0] * 25000
h = m.fit(x, y, epochs=10, batch_size=1)
"""


def interrupt_by_message(kc):
    """An interrupt_request on the control channel, as clients of kernels without signals send it."""
    msg = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(msg)
    return msg["header"]["msg_id"]


def interrupt_long_fit(km, kc, by_message=False):
    """Starts a fit of a million steps (100,000 an epoch), interrupts it once its progress bar shows
    (SIGINT, as Jupyter does for "interrupt_mode": "signal", or an interrupt_request), and times the stop."""
    msg_id = kc.execute(LONG_FIT)
    interrupt_id = None
    outputs, interrupted_at = [], None
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        outputs.append({"type": msg["msg_type"], "content": msg["content"]})
        redraws = sum(1 for o in outputs if o["type"] in ("display_data", "update_display_data"))
        if interrupted_at is None and redraws >= 3:
            if by_message:
                interrupt_id = interrupt_by_message(kc)
            else:
                km.interrupt_kernel()
            interrupted_at = time.time()
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = shell_reply(kc, msg_id)
    control_reply = None
    if interrupt_id is not None:
        control = kc.get_control_msg(timeout=TIMEOUT)
        control_reply = {"type": control["msg_type"], "content": control["content"],
                         "answers": control["parent_header"].get("msg_id") == interrupt_id}
    return {"reply": reply, "outputs": outputs, "control_reply": control_reply,
            "seconds_to_stop": None if interrupted_at is None else time.time() - interrupted_at}


def queued_after_error(kc):
    """Two cells sent at once, as "Run All" does: the first fails after a while, so the second, already
    queued, must not run. A third, sent as soon as the first's error reply arrives (as a client that
    waits for each reply sends its next request), was not queued behind the error and must run; it
    keeps no history, so the execution counts stay as they were."""
    first = kc.execute("x = 0\nfor i in range(100000):\n    x = x + 1\nundefined_name")
    second = kc.execute("print('should not run')")
    first_reply = shell_reply(kc, first)
    third = kc.execute("print('sent after the error')", store_history=False)
    return {"first": first_reply, "second": shell_reply(kc, second),
            "second_outputs": [t for t, _ in collect(kc, second)],
            "third": shell_reply(kc, third), "third_outputs": [c.get("text") for t, c in collect(kc, third) if t == "stream"]}


def session():
    km, kc = start_new_kernel(kernel_name="tl", startup_timeout=60)
    results = {}
    try:
        results["kernel_info"] = request(kc, "kernel_info")
        results["value"] = execute(kc, "a = 40\na + 2")
        results["print"] = execute(kc, 'print("hello from tl")')
        results["plot"] = execute(kc, "plt.plot([1, 2, 3], [1, 4, 9], 'bo', label='squares')\n"
                                      "plt.title('Squares')\nplt.legend()\nplt.show()")
        results["error"] = execute(kc, "a = 1\nundefined_name + 1")
        results["magic"] = execute(kc, "%matplotlib inline\nb = 5\nb")
        results["shell_escape"] = execute(kc, "!ls")
        results["queued_after_error"] = queued_after_error(kc)
        results["complete"] = request(kc, "complete", "fi", 2)
        results["complete_keyword"] = request(kc, "complete", "m = sequential()\nfit(m, epo", 26)
        results["inspect"] = request(kc, "inspect", "model.fit(", 9)
        results["inspect_unknown"] = request(kc, "inspect", "no_such_thing", 5)
        results["is_complete_block"] = request(kc, "is_complete", "for i in range(3):")
        results["is_complete_line"] = request(kc, "is_complete", "x = 1")
        results["history"] = request(kc, "history", hist_access_type="tail", n=2)
        results["interrupt"] = interrupt_long_fit(km, kc)
        results["after_interrupt"] = execute(kc, "h")
        results["interrupt_request"] = interrupt_long_fit(km, kc, by_message=True)
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=60)
        results["after_restart_old_variable"] = execute(kc, "a")
        results["after_restart"] = execute(kc, "6 * 7")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    results["shutdown_clean"] = not km.is_alive()
    print(json.dumps(results))


def inspect(path):
    """Whether the notebook validates against nbformat's schema, and what its code cells hold."""
    notebook = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    try:
        nbformat.validate(notebook)
        error = None
    except nbformat.ValidationError as e:
        error = str(e)[:2000]
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            entry = {"output_type": output.output_type}
            if output.output_type == "stream":
                entry["text"] = output.text
            if "data" in output:
                entry["mime_types"] = sorted(output.data.keys())
                entry["png_bytes"] = len(output.data.get("image/png", ""))
            if output.output_type == "error":
                entry["ename"] = output.ename
            outputs.append(entry)
        cells.append({"source": cell.source, "outputs": outputs})
    print(json.dumps({"nbformat": [notebook.nbformat, notebook.nbformat_minor], "validation_error": error,
                      "kernel": notebook.metadata.get("kernelspec", {}).get("name"), "cells": cells}))


if __name__ == "__main__":
    if sys.argv[1:2] == ["session"]:
        session()
    elif sys.argv[1:2] == ["inspect"] and len(sys.argv) == 3:
        inspect(sys.argv[2])
    else:
        sys.exit(__doc__)
