"""moto's server plus what the apply engine's tests need from it.

usage: python moto_iam_plus.py -H 127.0.0.1 -p 0      (the same flags as `moto_server`)

1. The two IAM operations moto 5.2.5 lacks, AddClientIDToOpenIDConnectProvider and
   RemoveClientIDFromOpenIDConnectProvider (moto answers HTTP 500 for them), added to its IAM
   backend and response handler. Both are idempotent, as in IAM.
2. A watchdog: when ROLEWRIGHT_PARENT_PID is set, the server exits as soon as that process is
   gone, so a test binary that is killed never leaves a server behind.

Provenance: the shim follows the recipe in the project's research note on IAM and moto
(`iam-api-and-moto.md` §2.4, shared reference material, 2026), verified against moto 5.2.5.
"""
import os
import sys
import threading
import time

from moto.core.responses import EmptyResult
from moto.iam.models import IAMBackend
from moto.iam.responses import IamResponse


def _add(self, arn, client_id):
    provider = self.get_open_id_connect_provider(arn)
    if client_id not in provider.client_id_list:
        provider.client_id_list.append(client_id)


def _remove(self, arn, client_id):
    provider = self.get_open_id_connect_provider(arn)
    if client_id in provider.client_id_list:
        provider.client_id_list.remove(client_id)


def _handler(name):
    def handler(self):
        getattr(self.backend, name)(self._get_param("OpenIDConnectProviderArn"), self._get_param("ClientID"))
        return EmptyResult()
    return handler


IAMBackend.add_client_id_to_open_id_connect_provider = _add
IAMBackend.remove_client_id_from_open_id_connect_provider = _remove
IamResponse.add_client_id_to_open_id_connect_provider = _handler("add_client_id_to_open_id_connect_provider")
IamResponse.remove_client_id_from_open_id_connect_provider = _handler("remove_client_id_from_open_id_connect_provider")


def watch_parent():
    """Exit when the process in ROLEWRIGHT_PARENT_PID is gone."""
    pid = int(os.environ.get("ROLEWRIGHT_PARENT_PID", "0") or 0)
    if pid <= 0:
        return

    def loop():
        while True:
            try:
                os.kill(pid, 0)
            except OSError:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=loop, daemon=True).start()


if __name__ == "__main__":
    watch_parent()
    from moto.server import main
    sys.exit(main())
