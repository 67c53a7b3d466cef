"""`manage.py prepare_storage`: make the bucket(s), let anyone read published files and nothing else, and prove it.

Safe to run again: it changes only what is not as it should be, and says in
plain words what it did, or what the deployer must do by hand.
"""

import json
import secrets
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError

from submissions import files
from submissions.media.serve import is_s3

POLICY_ID = "VoicesPublishedFilesReadable"


class Command(BaseCommand):
    help = "Prepare file storage: create the S3 bucket(s) if allowed, make public/ (and only it) readable, check it."

    def handle(self, *args, **options) -> None:
        private, public = storages[files.PRIVATE], storages[files.PUBLIC]
        if not is_s3(private):
            for storage in (private, public):
                Path(storage.location).mkdir(parents=True, exist_ok=True)
            self.say(f"Files are kept on this machine's disk, in {private.location} (private) and {public.location} "
                     "(published). Nothing else to prepare.")
            return
        client = private.connection.meta.client
        buckets = {private.bucket_name: [private]}
        buckets.setdefault(public.bucket_name, []).append(public)
        for name in buckets:
            self._bucket(client, name)
        self._public_policy(client, public)
        problems = self._check(private, public)
        if problems:
            raise CommandError("\n".join(problems))
        self.say("Storage is ready: private files can be read only through signed links, published files by anyone.",
                 success=True)

    def say(self, text: str, *, success: bool = False) -> None:
        self.stdout.write(self.style.SUCCESS(text) if success else text)

    def _bucket(self, client, name: str) -> None:
        from botocore.exceptions import ClientError

        try:
            client.head_bucket(Bucket=name)
            self.say(f"The bucket “{name}” is there.")
            return
        except ClientError as error:
            if error.response["Error"]["Code"] not in ("404", "NoSuchBucket", "NotFound"):
                raise CommandError(
                    f"Cannot reach the bucket “{name}” ({error.response['Error']['Code']}). Check "
                    "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_S3_ENDPOINT_URL, and that this key may use "
                    "the bucket."
                ) from error
        region = settings.AWS_S3_REGION_NAME
        arguments = {"Bucket": name}
        if region and region != "us-east-1":
            arguments["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            client.create_bucket(**arguments)
        except ClientError as error:
            raise CommandError(
                f"The bucket “{name}” does not exist and this key may not create it "
                f"({error.response['Error']['Code']}). Create it by hand (private, in region {region or 'us-east-1'}),"
                " then run this command again."
            ) from error
        self.say(f"Made the bucket “{name}”.")

    def _public_policy(self, client, public) -> None:
        """Anyone may read objects under the published files' prefix; nothing else is granted."""
        from botocore.exceptions import ClientError

        bucket = public.bucket_name
        prefix = public._normalize_name("").rstrip("/")
        resource = f"arn:aws:s3:::{bucket}/{prefix}/*" if prefix else f"arn:aws:s3:::{bucket}/*"
        wanted = {"Sid": POLICY_ID, "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                  "Resource": resource}
        try:
            policy = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])
        except ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchBucketPolicy":
                raise CommandError(f"Cannot read the bucket policy of “{bucket}” ({error}).") from error
            policy = {"Version": "2012-10-17", "Statement": []}
        statements = [s for s in policy.get("Statement", []) if s.get("Sid") != POLICY_ID]
        if [s for s in policy.get("Statement", []) if s.get("Sid") == POLICY_ID] == [wanted]:
            self.say(f"Anyone may already read published files (“{prefix or '(whole bucket)'}/” in “{bucket}”).")
            return
        policy["Statement"] = [*statements, wanted]
        try:
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        except ClientError as error:
            raise CommandError(
                f"Could not let anyone read published files ({error.response['Error']['Code']}). By hand: allow "
                f"public bucket policies on “{bucket}” (S3 Block Public Access), then add this statement to its "
                f"policy, or run this command again:\n{json.dumps(wanted, indent=2)}"
            ) from error
        self.say(f"Anyone may now read published files, and only those (“{prefix}/” in “{bucket}”).")

    def _check(self, private, public) -> list[str]:
        """Write a test object to each storage and fetch it without a signature: private refused, public served."""
        problems = []
        probe = f"storage-check/{secrets.token_hex(8)}.txt"
        for storage, readable in ((private, False), (public, True)):
            name = storage.save(probe, ContentFile(b"Voices storage check\n"))
            try:
                status = _unsigned_status(storage, name)
            finally:
                storage.delete(name)
            which = "published" if readable else "private"
            if readable and status != 200:
                problems.append(
                    f"Published files cannot be read without a signature (HTTP {status}): the winners' gallery would "
                    "not show. Allow the public-read policy above (S3 Block Public Access may refuse it)."
                )
            elif not readable and status == 200:
                problems.append(
                    "Private files can be read by anyone who knows their address. Remove every public-read ACL or "
                    "policy that covers the bucket's private/ prefix (only public/ may be readable), then run this "
                    "command again."
                )
            else:
                self.say(f"Checked: a {which} test file {'is' if readable else 'is not'} readable without a "
                         f"signature (HTTP {status}).")
        return problems


def _unsigned_status(storage, name: str) -> int:
    """The HTTP status S3 itself (not a CDN) answers to a plain GET of the object."""
    client = storage.unsigned_connection.meta.client
    url = client.generate_presigned_url("get_object", Params={"Bucket": storage.bucket_name,
                                                              "Key": storage._normalize_name(name)})
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the storage's own endpoint
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
