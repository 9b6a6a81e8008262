#!/usr/bin/env bash
# Builds the native backend into OUTDIR/linux-x86-64/libzkinfer.so (linux-aarch64 on ARM),
# where JNA looks on the classpath, then the CUDA backend when its build script and nvcc are present. Without gcc
# it prints one line and succeeds: the Java backends need no native code.
set -euo pipefail
out="${1:?usage: build.sh OUTDIR}"
here="$(cd "$(dirname "$0")" && pwd)"
if ! command -v gcc >/dev/null 2>&1; then
  echo "zkinfer native: gcc not found, skipping libzkinfer.so (the Java backends are unaffected)"
else
  # JNA's resource prefix for this platform (com.sun.jna.Platform.RESOURCE_PREFIX)
  case "$(uname -m)" in
    x86_64 | amd64) arch=x86-64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) arch="$(uname -m)" ;;
  esac
  dir="$out/linux-$arch"
  mkdir -p "$dir"
  #: threads for big buffers; kernels are deterministic whatever the thread count.
  # No -march: the binary must run on any x86-64; SHA-NI is chosen at run time (sha256.c).
  # The JNI entry points (c/jni.c, NativeJni) need jni.h: from JAVA_HOME, else from the JDK of the
  # javac on PATH. Without it the library has the kernels alone, called through foreign downcalls.
  jdk="${JAVA_HOME:-}"
  if [ ! -f "$jdk/include/jni.h" ] && command -v javac >/dev/null 2>&1; then
    jdk="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
  fi
  srcs=()
  jni=()
  for f in "$here"/c/*.c; do
    [ "${f##*/}" = jni.c ] || srcs+=("$f")
  done
  if [ -f "$jdk/include/jni.h" ]; then
    srcs+=("$here/c/jni.c")
    jni=(-I"$jdk/include" -I"$jdk/include/linux")
  else
    echo "zkinfer native: jni.h not found (set JAVA_HOME to a JDK); libzkinfer.so without its JNI entry points"
  fi
  # -Bsymbolic: the library's own calls (jni.c's into the kernels) bind to its own functions, not to
  # another library's of the same name loaded before it with RTLD_GLOBAL (JNA's default): the CUDA
  # backend's libzkinfer_cuda.so exports its own zk_product_sums with other arguments.
  gcc -O3 -fPIC -shared -pthread -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wl,-Bsymbolic "${jni[@]}" \
    -o "$dir/libzkinfer.so" "${srcs[@]}"
fi
if [ -f "$here/cuda/build.sh" ] && command -v nvcc >/dev/null 2>&1; then
  bash "$here/cuda/build.sh" "$out"
fi
