"""The tolerant reader in front of zeep: prune, reorder, check leaves, name the path."""

from __future__ import annotations

import pytest
from lxml import etree

from kiosk.mpay.errors import MpayProtocolError
from kiosk.mpay.schema import Schema

NS = "https://mpay.gov.md"


@pytest.fixture(scope="module")
def schema() -> Schema:
    return Schema()


def reply(order_inner: str) -> etree._Element:
    return etree.fromstring(
        f'<GetOrderDetailsResponse xmlns="{NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">'
        f"<GetOrderDetailsResult><OrderDetails>{order_inner}</OrderDetails>"
        "</GetOrderDetailsResult></GetOrderDetailsResponse>".encode()
    )


def names(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el]


MIN = "<OrderKey>K</OrderKey><ServiceID>S</ServiceID><Status>Active</Status>"


def test_prunes_and_reorders(schema: Schema) -> None:
    root = reply(
        "<Status>Active</Status><Zzz>1</Zzz><ServiceID>S</ServiceID>"
        '<x:Other xmlns:x="urn:o"/><OrderKey>K</OrderKey><Currency>MDL</Currency>'
        "<AllowPartialPayment>true</AllowPartialPayment>"
    )
    dropped = schema.normalize(root, top="GetOrderDetailsResponse")
    order = root[0][0]
    assert names(order) == ["Currency", "OrderKey", "ServiceID", "Status"]
    assert sorted(d.rsplit("/", 1)[1] for d in dropped) == ["AllowPartialPayment", "Other", "Zzz"]


def test_repeated_items_keep_their_order(schema: Schema) -> None:
    root = reply(
        MIN + "<Properties><OrderProperty><Name>b</Name></OrderProperty>"
        "<OrderProperty><Value>v</Value><Name>a</Name></OrderProperty></Properties>"
    )
    schema.normalize(root, top="GetOrderDetailsResponse")
    props = root[0][0].find(f"{{{NS}}}Properties")
    assert props is not None
    assert [p.findtext(f"{{{NS}}}Name") for p in props] == ["b", "a"]
    assert names(props[1]) == ["Name", "Value"]


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (MIN + "<TotalAmountDue>1e5</TotalAmountDue>", "TotalAmountDue: '1e5' is not a decimal"),
        (MIN + "<TotalAmountDue>NaN</TotalAmountDue>", "not a decimal"),
        (MIN + "<AllowPartialPayments>yes</AllowPartialPayments>", "not a boolean"),
        (MIN + "<IssuedAt>yesterday</IssuedAt>", "IssuedAt: 'yesterday' is not a date-time"),
        (MIN + "<Status>Paid</Status>", "Status appears more than once"),
        ("<OrderKey>K</OrderKey><Status>Active</Status>", "OrderDetails lacks ServiceID"),
        (
            MIN + "<Lines><OrderLine><Reason>r</Reason></OrderLine></Lines>",
            "OrderLine lacks LineID",
        ),
        (MIN + "<Reason><b>x</b></Reason>", "should hold text"),
    ],
)
def test_refusals_name_the_path(schema: Schema, inner: str, message: str) -> None:
    with pytest.raises(MpayProtocolError, match=message):
        schema.normalize(reply(inner), top="GetOrderDetailsResponse")


def test_empty_typed_leaves_mean_absent_and_nil_is_kept(schema: Schema) -> None:
    root = reply(MIN + '<TotalAmountDue></TotalAmountDue><DueDate/><CustomerID i:nil="true"/>')
    schema.normalize(root, top="GetOrderDetailsResponse")
    assert names(root[0][0]) == ["CustomerID", "OrderKey", "ServiceID", "Status"]


def test_wrong_top_element(schema: Schema) -> None:
    with pytest.raises(MpayProtocolError, match="expected GetOrderDetailsResponse"):
        schema.normalize(etree.fromstring(b"<Other/>"), top="GetOrderDetailsResponse")
