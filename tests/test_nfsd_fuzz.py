# libFuzzer on nfsd's request decoder and operations (nfsd/fuzz/fuzz_nfsd.c
# says what one input is and what it checks), built with ASan and UBSan,
# for FUZZ_SECONDS on a copy of the seed corpus kept in nfsd/fuzz/corpus/:
# any crash, sanitizer report, leak or protocol violation fails the test.
# `make fuzz` runs the same target longer. The figures (executions,
# seconds) are printed; pytest -rP shows them.
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "nfsd", "fuzz", "corpus")
FUZZ_SECONDS = int(os.environ.get("BVLAB_NFSD_FUZZ_SECONDS", "20"))


def libfuzzer_missing():
    if not shutil.which("clang"):
        return "clang is not installed (`make setup` installs clang and libclang-rt-dev)"
    r = subprocess.run(["clang", "--print-file-name=libclang_rt.fuzzer-x86_64.a"],
                       capture_output=True, text=True)
    rt = r.stdout.strip()
    if not os.path.isabs(rt) or not os.path.exists(rt):
        r = subprocess.run(["clang", "-print-resource-dir"], capture_output=True, text=True)
        rt = os.path.join(r.stdout.strip(), "lib", "linux", "libclang_rt.fuzzer-x86_64.a")
    if not os.path.exists(rt):
        return "clang has no libFuzzer runtime (`make setup` installs libclang-rt-14-dev)"
    return None


@pytest.mark.skipif(libfuzzer_missing() is not None, reason=str(libfuzzer_missing()))
def test_nfsd_fuzz(tmp_path):
    b = tmp_path / "b"
    r = subprocess.run(["make", "--no-print-directory", f"B={b}", f"{b}/nfsd/fuzz_nfsd"],
                       cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, "building the fuzzer failed:\n" + r.stdout + r.stderr
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    env = dict(os.environ, TMPDIR=str(tmp_path))
    r = subprocess.run([str(b / "nfsd" / "fuzz_nfsd"), f"-max_total_time={FUZZ_SECONDS}",
                        "-max_len=4096", "-timeout=10", "-rss_limit_mb=1024",
                        "-print_final_stats=1", f"-artifact_prefix={tmp_path}/", str(corpus)],
                       capture_output=True, text=True, timeout=FUZZ_SECONDS + 120,
                       env=env, cwd=str(tmp_path))
    log = r.stderr
    crashes = [f for f in os.listdir(tmp_path) if re.match(r"(crash|leak|timeout|oom)-", f)]
    assert r.returncode == 0 and not crashes, \
        f"the fuzzer found a problem (exit {r.returncode}, {crashes}):\n" + log[-6000:]
    m = re.search(r"Done (\d+) runs in (\d+) second", log)
    assert m, "no final figures from libFuzzer:\n" + log[-3000:]
    print(f"nfsd fuzz: {m.group(1)} executions in {m.group(2)} s, 0 crashes")
