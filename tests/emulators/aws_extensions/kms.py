"""KMS: key deletion and enable/disable by key ARN (amazon.aws.kms_key)."""

from __future__ import annotations


def kms_key_deletion_by_arn() -> None:
    """Schedule/CancelKeyDeletion and Enable/DisableKey accept a key ARN, as AWS does.

    moto 5.2.5 indexes its key table with the KeyId argument as given, so a key ARN
    (what amazon.aws.kms_key passes for state=absent, and when it re-enables a key
    that was pending deletion) answers 500 (KeyError). Resolve IDs, ARNs and aliases
    the way the other KMS operations already do.
    """
    from moto.kms.models import KmsBackend

    for name in ("schedule_key_deletion", "cancel_key_deletion", "enable_key", "disable_key"):
        original = getattr(KmsBackend, name)

        def patched(self, key_id, *args, _original=original, **kwargs):  # type: ignore[no-untyped-def]
            return _original(self, self.any_id_to_key_id(key_id), *args, **kwargs)

        setattr(KmsBackend, name, patched)
