"""DEMO-ONLY certificates and keys (self-signed, RSA 2048, 20 years). Never use in production.

- ``terminal.crt`` / ``terminal.key``: the demo kiosk's signing (and TLS client) certificate.
- ``mpay.crt`` / ``mpay.key``: the MPay sandbox's reply-signing certificate (the kiosk pins it).
- ``sandbox-tls.crt`` / ``sandbox-tls.key``: a TLS server certificate for 127.0.0.1/localhost,
  used when the sandbox is run over HTTPS with client-certificate authentication.

The private keys are published in this repository: anything signed with them proves nothing.
A production kiosk uses its STISC system certificate (see config/kiosk.example.toml).
"""
