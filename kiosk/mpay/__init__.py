"""MPay's IServiceProvider contract, seen from the kiosk (which plays MPay's role).

Modules (import what you need; nothing heavy happens at import of this package):

- ``models``, ``errors``: the shared contract (frozen dataclasses, the MpayError tree).
- ``client.MpayClient``: signed SOAP calls (``get_order_details``, ``confirm_order_payment``).
- ``payability.assess``: can an order be paid now, and for how much (bani).
- ``confirmation.build_confirmation``: the fixed content of one ConfirmOrderPayment.
- ``payer_messages.payer_message_key``: the i18n key for an error shown to a payer.
- ``settings.MpaySettings``, ``cli_options``: configuration and command-line overrides.
- ``sandbox.MpaySandbox`` (+ ``sandbox_data``): a local SOAP server for the demo and tests.
- internals: ``wssec`` (WS-Security), ``transport`` (HTTP), ``xmlsafe``, ``schema``, ``mapping``.
"""
