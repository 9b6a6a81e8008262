#!/usr/bin/env python3
"""Float reference outputs for shared/conformance/ezkl, computed with onnxruntime.

EZKL's input.json output_data holds EZKL's own fixed-point result (values on a 2^-k grid), not
the float output of the model, so the float executor is checked against onnxruntime instead.
Usage: python3 make_ezkl_reference.py ../shared/conformance/ezkl src/test/resources/ezkl-reference
(needs onnxruntime and numpy; the JSON files it writes are committed).
"""
import json, os, sys
import numpy as np
import onnxruntime as ort

src, dst = sys.argv[1], sys.argv[2]
for case in sorted(os.listdir(src)):
    model = os.path.join(src, case, "network.onnx")
    if not os.path.exists(model):
        continue
    data = json.load(open(os.path.join(src, case, "input.json")))
    try:
        try:
            sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        except Exception as e:
            if "operator (Equal)" not in str(e):
                raise
            # Exported at opset 10, where Equal takes no floats; opset 11 allows them and
            # changes nothing else these graphs use.
            import onnx
            m = onnx.load(model)
            for o in m.opset_import:
                if o.domain in ("", "ai.onnx"):
                    o.version = 11
            sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
        feeds = {}
        for i, inp in enumerate(sess.get_inputs()):
            shape = data.get("input_shapes", [None] * 8)[i] or [d if isinstance(d, int) and d > 0 else 1 for d in inp.shape]
            if len(shape) < len(inp.shape):  # EZKL omits the batch dimension in some cases
                shape = [1] * (len(inp.shape) - len(shape)) + list(shape)
            dtype = np.int64 if "int64" in inp.type else np.float32
            feeds[inp.name] = np.array(data["input_data"][i], dtype=dtype).reshape(shape)
        outs = sess.run(None, feeds)
    except Exception as e:  # recorded so the test knows onnxruntime could not run it either
        print(case, "onnxruntime failed:", str(e).splitlines()[0])
        continue
    with open(os.path.join(dst, case + ".json"), "w") as f:
        json.dump({"generator": "onnxruntime " + ort.__version__, "input_data": data["input_data"],
                   "output_data": [np.asarray(o, dtype=np.float64).ravel().tolist() for o in outs]}, f)
    print(case, [o.shape for o in outs])
