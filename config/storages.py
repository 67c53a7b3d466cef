"""The S3 storage: django-storages' own, with the API models read once a process instead of once a thread.

django-storages gives each thread its own boto3 session, as boto3 asks (a
session is not thread-safe). Each new session reads and keeps its own copy of
S3's API description, for each of the two storages (private and public): eight
threads that had touched S3 kept 53 MB more than one thread did, measured here
(boto/boto3#1670). Here every session still is a thread's own, but they share
one loader, which holds the descriptions once (the same eight threads: 4 MB);
the parsed files are only read after loading. In the deadline-night rush (B8,
at a smaller scale) a web node's growth fell from 225 to 146 MB with this alone.
"""

import os

import boto3
import botocore.loaders
import botocore.session
from storages.backends import s3

BOTO3_MODELS = os.path.join(os.path.dirname(boto3.__file__), "data")


class _SharedLoader(botocore.loaders.Loader):
    """botocore's loader with boto3's own folder of models searched from the start.

    boto3 adds that folder to the loader of every session it makes; a shared
    loader would gain it once a session, so each session is given a copy of the
    list to add to.
    """

    @property
    def search_paths(self) -> list[str]:
        return list(self._search_paths)


# Making a loader reads nothing: each description is read the first time a session asks for it, and kept.
LOADER = _SharedLoader(extra_search_paths=[BOTO3_MODELS])


class S3Storage(s3.S3Storage):
    def _create_session(self) -> boto3.Session:
        core = botocore.session.get_session()
        core.register_component("data_loader", LOADER)
        if self.session_profile:
            return boto3.Session(botocore_session=core, profile_name=self.session_profile)
        return boto3.Session(
            botocore_session=core,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            aws_session_token=self.security_token,
        )
