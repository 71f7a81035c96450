"""Verifiable credentials: the issuer's signing key and public documents, VC-JOSE signing, the status list.

- `keys.py`: the Ed25519 key from settings (a dev key generated into a private file), the issuer's did:web
  and the key's id;
- `jose.py`: a credential secured as VC-JOSE (a compact JWS, `application/vc+jwt`, alg EdDSA);
- `documents.py`: the DID document, the JWKS and the signed BitstringStatusListCredential;
- `status_list.py`: the revocation bitstring (gzip, base64url, multibase "u");
- `services.py`: the one write, allocating a credential version's status list entry (once, never reused);
- `contexts/`: the JSON-LD contexts the credentials use, shipped so that tests expand them without a network.
"""
