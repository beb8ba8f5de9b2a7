"""Publishers' signing keys, what registers one, and a release's signature."""

from __future__ import annotations

from pydantic import Field

from registry.api.models.base import ApiModel, Links, ListOf, Moment
from registry.api.timestamps import timestamp
from registry.models import PublisherKey as PublisherKeyRecord
from registry.models import Release as ReleaseRecord
from registry.public_urls import external_url_for
from registry.validation import InputModel
from sdk.signatures import MAX_KEY_TEXT, MAX_SIGNATURE_TEXT, POSSESSION_PURPOSE


class NewPublisherKey(InputModel):
    model_config = {"json_schema_extra": {"example": {
        "publicKey": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA...\n-----END PUBLIC KEY-----\n",
        "proof": "3nq2L0d...base64 of 64 bytes...AQ==",
        "label": "release pipeline 2027"}}}

    public_key: str = Field(min_length=40, max_length=MAX_KEY_TEXT,
                            description="An Ed25519 public key: PEM, or base64 of its 32 raw bytes "
                                        "(`appstore keygen` prints one).")
    proof: str = Field(min_length=1, max_length=MAX_SIGNATURE_TEXT,
                       description="Proof that you hold the private key: base64 of the key's Ed25519 signature "
                                   f"over the UTF-8 text `{POSSESSION_PURPOSE}\\norganisation: <slug>\\nkey: "
                                   "<fingerprint>\\n` (slug: the registering organisation; fingerprint: lowercase "
                                   "hex). `appstore register-key` makes and sends it, `appstore key-proof` prints it.")
    label: str = Field("", max_length=100, description="What the key is for, for people.")


class PublisherKey(ApiModel):
    fingerprint: str = Field(description="The key's id: sha256 of its 32 raw bytes, hex.")
    organisation: str
    public_key: str = Field(description="Base64 of the 32 raw bytes.")
    label: str
    created_by: str
    created_at: Moment
    revoked_at: Moment | None
    links: Links

    @classmethod
    def of(cls, key: PublisherKeyRecord) -> PublisherKey:
        org = key.organisation.slug
        return cls(fingerprint=key.fingerprint, organisation=org, public_key=key.public_key, label=key.label,
                   created_by=key.created_by, created_at=timestamp(key.created_at),
                   revoked_at=timestamp(key.revoked_at) if key.revoked_at else None,
                   links={"self": external_url_for("api.get_publisher_key", org=org, fingerprint=key.fingerprint)})


class PublisherKeyList(ListOf[PublisherKey]):
    pass


class SignedBy(ApiModel):
    """Who signed a release, with which key; a revoked key leaves the signature, flagged."""

    organisation: str
    key: str = Field(description="The key's fingerprint.")
    signed_at: Moment
    revoked: bool = Field(description="The key was revoked after signing: do not trust this signature.")

    @classmethod
    def of(cls, release: ReleaseRecord) -> SignedBy | None:
        signature = getattr(release, "signature", None)
        if signature is None:
            return None
        key = signature.key
        return cls(organisation=key.organisation.slug, key=key.fingerprint, signed_at=timestamp(signature.signed_at),
                   revoked=key.revoked_at is not None)
