"""The IServiceProvider contract as shipped package data: ``mpay.wsdl`` imports ``mpay.xsd``.

Written by us from the documented structures and the real 2025 messages (specs/mpay.md 1.3, Q1-Q4):
element order is alphabetical, ``Language`` in the query, ``BankFiscalCode``, plural
``AllowPartialPayments``/``AllowAdvancePayments``, ``OrderProperty`` with ``Id``, ``IsVisible`` and
an open ``Type``. Members the schema does not know are pruned before zeep reads a reply
(``kiosk.mpay.schema``), so the schema stays strict without failing on new members.
"""
