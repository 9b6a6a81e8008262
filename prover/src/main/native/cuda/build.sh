#!/usr/bin/env bash
# Builds the CUDA backend library: OUTDIR/linux-x86-64/libzkinfer_cuda.so (the JNA resource
# path of CudaBackend). Without nvcc it prints one line and exits 0: the Java build goes on and
# CudaBackend.load() reports the missing library at run time.
set -euo pipefail
OUTDIR=${1:?usage: build.sh OUTDIR}
HERE=$(cd "$(dirname "$0")" && pwd)
NVCC=${NVCC:-$(command -v nvcc || true)}
if [ -z "$NVCC" ] && [ -x /usr/local/cuda/bin/nvcc ]; then NVCC=/usr/local/cuda/bin/nvcc; fi
if [ -z "$NVCC" ]; then
  echo "zkinfer cuda: nvcc not found, skipping the CUDA backend library"
  exit 0
fi
OUT="$OUTDIR/linux-x86-64/libzkinfer_cuda.so"
mkdir -p "$(dirname "$OUT")"
if [ -f "$OUT" ] && [ "$OUT" -nt "$HERE/zkinfer_cuda.cu" ] && [ "$OUT" -nt "$HERE/zkinfer_cuda.h" ] && [ "$OUT" -nt "$0" ]; then
  exit 0
fi
# -Bsymbolic: its calls bind to its own functions (libzkinfer.so has some of the same names).
# Hopper (sm_90) machine code plus compute_90 PTX for later GPUs; the CUDA runtime is linked
# statically so that the library needs only the driver's libcuda.so.
"$NVCC" -O3 -std=c++17 -shared -Xcompiler -fPIC -Xlinker -Bsymbolic -cudart static \
  -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
  -o "$OUT" "$HERE/zkinfer_cuda.cu"
echo "zkinfer cuda: built $OUT"
