"""Uploads on object storage (MEDIA_STORAGE_URL): a real S3 HTTP API on loopback (moto's server),
the contact form writing into the bucket, staff reading back, and /readyz noticing the bucket gone."""

from __future__ import annotations

import socket
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured

from helpcenter.settings import object_storage
from tests.test_settings import PRODUCTION, manage
from tests.tickets.conftest import PDF, form_data, upload
from tickets.models import Attachment


def test_an_s3_url_becomes_a_private_non_overwriting_storage():
    assert object_storage("s3://hc-media/uploads/?region=ap-northeast-2&endpoint=https://s3.example.kr") == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "hc-media",
            "location": "uploads",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "region_name": "ap-northeast-2",
            "endpoint_url": "https://s3.example.kr",
        },
    }


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://hc-media", "use s3://bucket"),
        ("s3:///uploads", "use s3://bucket"),
        ("s3://hc-media?regoin=ap-northeast-2", "unknown option(s) regoin"),
    ],
)
def test_a_misspelt_url_is_refused(url, message):
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(").replace(")", r"\)")):
        object_storage(url)


def test_the_server_refuses_to_start_with_a_misspelt_url():
    result = manage("check", env={**PRODUCTION, "MEDIA_STORAGE_URL": "s4://hc-media"})
    assert result.returncode != 0
    assert "MEDIA_STORAGE_URL='s4://hc-media': use s3://bucket[/prefix][?region=…&endpoint=…]." in result.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3(settings, monkeypatch):
    """A throwaway S3 endpoint with an empty bucket, and the default storage pointed at it."""
    from moto.server import ThreadedMotoServer

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-northeast-2",
    }.items():
        monkeypatch.setenv(name, value)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    # moto keeps its buckets per process, not per server: a bucket of its own for each test.
    name = f"hc-media-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=endpoint, region_name="ap-northeast-2")
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-northeast-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "default": object_storage(f"s3://{name}/uploads?region=ap-northeast-2&endpoint={endpoint}"),
    }
    yield server, Bucket(client, name)
    server.stop()


class Bucket:
    def __init__(self, client, name: str):
        self.client, self.name = client, name

    def keys(self) -> list[str]:
        return sorted(item["Key"] for item in self.client.list_objects_v2(Bucket=self.name).get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.mark.django_db
def test_contact_form_uploads_land_in_the_bucket_and_staff_download_them(s3, client, admin_client):
    _, bucket = s3
    response = client.post("/ko/contact/", form_data(attachments=[upload("receipt.pdf", PDF, "application/pdf")]))
    assert response.status_code == 302

    attachment = Attachment.objects.get()
    assert bucket.keys() == [f"uploads/{attachment.file.name}"]
    assert bucket.read(f"uploads/{attachment.file.name}") == PDF

    download = admin_client.get(f"/admin/tickets/ticket/attachment/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="receipt.pdf"'


@pytest.mark.django_db
def test_two_uploads_of_the_same_name_keep_both_files(s3, client):
    _, bucket = s3
    for body in (PDF, PDF + b"second"):
        data = form_data(attachments=[upload("receipt.pdf", body, "application/pdf")])
        data["subject"] = f"영수증 {len(body)}"
        assert client.post("/ko/contact/", data).status_code == 302
    names = [attachment.file.name for attachment in Attachment.objects.order_by("pk")]
    assert len(set(names)) == 2
    assert [bucket.read(f"uploads/{name}") for name in names] == [PDF, PDF + b"second"]


@pytest.mark.django_db
def test_readyz_checks_the_bucket_and_notices_it_gone(s3, client):
    server, bucket = s3
    ready = client.get("/readyz")
    assert (ready.status_code, ready.json()["checks"]["storage"]) == (200, "ok")
    assert bucket.keys() == []  # the probe's file is deleted again

    server.stop()
    gone = client.get("/readyz")
    assert gone.status_code == 503
    assert gone.json()["failed"] == ["storage"]
    server.start()  # the fixture stops it once more
