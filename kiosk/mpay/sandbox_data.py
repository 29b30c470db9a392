"""The MPay sandbox's demo services and orders (demo data only: names and numbers are made up,
except MDS02250710092629689, which mirrors the documented real reply).

Services (ServiceID: provider): ``MDS02`` forest land lease (Agenția Moldsilva), ``IGP01`` traffic
fines (Inspectoratul General al Poliției), ``ASP01`` state duty (Agenția Servicii Publice),
``GRD01`` kindergarten fee (payer-entered amount), ``APA01`` water (partial payments), ``FSC01``
property tax (advance payments).

Order keys, besides the fixed orders in ``ORDERS`` (every status, multi-line orders, properties
of types idn / tc / string, texts in ro / ru / en chosen by the query's Language):

* ``SIM-<1..32 of A-Z a-z 0-9 ->`` on any of the six services is a fresh Active order of
  ``SIM_AMOUNT`` (150.00 MDL), one line, nothing to fill in; paying it makes it Paid. Use a new
  key per simulated session (``sim_order_key(service_id, n)``).
* ``FAULT-...`` keys make the sandbox misbehave on both operations (``FAULT_KEYS``).
* Any other key on a known service: no order (an empty result; ``UnknownOrder`` on confirm).
  An unknown ServiceID: ``UnknownService`` fault.

Orders change as confirmations arrive: remainders shrink line by line, the status turns
PartiallyPaid, then Paid (orders without a known amount stay Active).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from kiosk.mpay.models import PaymentAccount

__all__ = [
    "Texts",
    "DemoProperty",
    "DemoLine",
    "DemoOrder",
    "SERVICES",
    "ORDERS",
    "DEMO_ORDERS",
    "SIM_AMOUNT",
    "FAULT_KEYS",
    "is_sim_key",
    "sim_order_key",
    "sim_order",
    "find_order",
]

Texts = Mapping[str, str]


def _t(ro: str, ru: str, en: str) -> Texts:
    return {"ro": ro, "ru": ru, "en": en}


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoProperty:
    name: str
    display: Texts
    value: Texts | str | None = None
    type: str = "string"
    required: bool = False
    modifiable: bool = False
    visible: bool | None = True  # None: IsVisible omitted (as on two real properties)
    id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoLine:
    line_id: str
    reason: Texts
    amount: Decimal | None
    account: PaymentAccount
    allow_partial: bool | None = None
    allow_advance: bool | None = None
    properties: tuple[DemoProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoOrder:
    service_id: str
    order_key: str
    status: str  # as written on the wire (one order says "Canceled", Q12)
    reason: Texts
    lines: tuple[DemoLine, ...]
    total: Decimal | None  # None: TotalAmountDue omitted (payer enters the amount)
    allow_partial: bool = False
    allow_advance: bool = False
    customer_type: str = "Person"
    customer_id: str | None = None
    customer_name: str | None = None
    issued_at: str | None = None  # lexical, as sent (no offset = Chisinau time)
    issued_days_ago: int | None = None  # or relative to today
    due_in_days: int | None = None  # DueDate = that day 23:59:59 local; None = no due date
    currency: str = "MDL"
    properties: tuple[DemoProperty, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    service_id: str
    provider: str
    name: Texts
    account: PaymentAccount


def _acc(iban: str, bic: str, fiscal: str, name: str) -> PaymentAccount:
    return PaymentAccount(
        bank_account=iban, bank_code=bic, bank_fiscal_code=fiscal, beneficiary_name=name
    )


_MOLDSILVA = _acc("MD77TRGAAA14153401000000", "TREZMD2X", "1006601000255", "Agenția Moldsilva")
_IGP = _acc(
    "MD59TRGAAA14211401000001", "TREZMD2X", "1006601000990", "Inspectoratul General al Poliției"
)
_ASP_TREASURY = _acc(
    "MD14TRGAAA14221501000002",
    "TREZMD2X",
    "1003600000774",
    "Agenția Servicii Publice (taxa de stat)",
)
_ASP_OWN = _acc("MD84AGRNMDAA000225161121", "AGRNMD2X", "1003600000774", "Agenția Servicii Publice")
_GRD = _acc(
    "MD64TRGAAA11411101000003", "TREZMD2X", "1002600003332", "Grădinița nr. 125, mun. Chișinău"
)
_APA = _acc("MD92MOBBMD00000123456789", "MOBBMD22", "1003603005552", "S.A. Apă-Canal Chișinău")
_FSC = _acc(
    "MD16TRGAAA11211101000004",
    "TREZMD2X",
    "1004600008881",
    "Primăria mun. Chișinău (bugetul local)",
)

SERVICES: Mapping[str, Service] = {
    s.service_id: s
    for s in (
        Service(
            service_id="MDS02",
            provider="Agenția Moldsilva",
            account=_MOLDSILVA,
            name=_t("Arenda terenurilor forestiere", "Аренда лесных земель", "Forest land lease"),
        ),
        Service(
            service_id="IGP01",
            provider="Inspectoratul General al Poliției",
            account=_IGP,
            name=_t("Amenzi de circulație", "Штрафы за нарушение ПДД", "Traffic fines"),
        ),
        Service(
            service_id="ASP01",
            provider="Agenția Servicii Publice",
            account=_ASP_TREASURY,
            name=_t("Taxă de stat", "Государственная пошлина", "State duty"),
        ),
        Service(
            service_id="GRD01",
            provider="Grădinița nr. 125",
            account=_GRD,
            name=_t("Taxa pentru grădiniță", "Плата за детский сад", "Kindergarten fee"),
        ),
        Service(
            service_id="APA01",
            provider="S.A. Apă-Canal Chișinău",
            account=_APA,
            name=_t("Apă și canalizare", "Водоснабжение и канализация", "Water and sewerage"),
        ),
        Service(
            service_id="FSC01",
            provider="Primăria mun. Chișinău",
            account=_FSC,
            name=_t("Impozit pe bunurile imobiliare", "Налог на недвижимость", "Property tax"),
        ),
    )
}

_PAYER_IDN = DemoProperty(
    name="IDNP",
    type="idn",
    required=True,
    modifiable=True,
    display=_t("IDNP/IDNO plătitor", "IDNP/IDNO плательщика", "Payer IDNP/IDNO"),
)

ORDERS: tuple[DemoOrder, ...] = (
    # ------------------------------------------------------------------ MDS02 Moldsilva
    DemoOrder(  # mirrors the documented real reply (specs/mpay.md, fixture)
        service_id="MDS02",
        order_key="MDS02250710092629689",
        status="Active",
        reason=_t(
            "Agenția Moldsilva plata pentru arenda terenului fondului \nforestier",
            "Агентство «Молдсилва»: оплата аренды земель лесного фонда",
            "Moldsilva Agency: payment for the lease of forest fund land",
        ),
        total=Decimal("9267.00"),
        customer_id="2006022048426",
        customer_name="Nume Prenume",
        issued_at="2025-07-10T09:26:29.463",
        lines=(
            DemoLine(
                line_id="Base:1|Nb-1",
                amount=Decimal("9267.00"),
                account=_MOLDSILVA,
                allow_partial=False,
                allow_advance=False,
                reason=_t("Agenția Moldsilva", "Агентство «Молдсилва»", "Moldsilva Agency"),
                properties=(
                    DemoProperty(
                        name="Description",
                        type="LineDescription",
                        required=True,
                        id="7254f94c-6da5-4b3e-be53-613b84c5ca96",
                        display=_t("Descrierea plății", "Описание платежа", "Payment description"),
                        value=_t(
                            "Plata pentru arenda terenului fondului forestier",
                            "Оплата аренды земель лесного фонда",
                            "Payment for the lease of forest fund land",
                        ),
                    ),
                ),
            ),
        ),
        properties=(
            DemoProperty(
                name="Telephone",
                type="number",
                required=True,
                value="060606060",
                id="ff247faa639344ae87f81b2f0311d7ab",
                display=_t(
                    "Nr. de telefon de contact", "Контактный телефон", "Contact phone number"
                ),
            ),
            DemoProperty(
                name="Date",
                type="string",
                required=True,
                value="25.01.2025",
                id="59ff92655b7a4ac9b7313bc450031af2",
                display=_t("Data contractului", "Дата договора", "Contract date"),
            ),
            DemoProperty(
                name="IDNP",
                type="idn",
                required=True,
                value="2006022048426",
                visible=None,
                id="75047d2458d74199aaee59c2016aa123",
                display=_t("IDNP/IDNO plătitor", "IDNP/IDNO плательщика", "Payer IDNP/IDNO"),
            ),
            DemoProperty(
                name="Contract",
                type="string",
                required=True,
                value="23215",
                id="440f156964a344fa8270d88789fe81e5",
                display=_t("Nr. contract", "№ договора", "Contract no."),
            ),
            DemoProperty(
                name="Name",
                type="CustomerName",
                required=True,
                value="Nume Prenume",
                visible=None,
                id="a191635dbe004552bfc9d972974ac861",
                display=_t(
                    "Nume/prenume sau denumire plătitor",
                    "Ф. И. О. или наименование плательщика",
                    "Payer name",
                ),
            ),
            DemoProperty(
                name="PayerType",
                type="CustomerType",
                required=True,
                value="Person",
                id="44726274de214e638febf2230024345b",
                display=_t("Tip plătitor", "Тип плательщика", "Payer type"),
            ),
        ),
    ),
    DemoOrder(  # two lines: lease + late-payment penalty
        service_id="MDS02",
        order_key="MDS02251020143015120",
        status="Active",
        reason=_t(
            "Arenda terenului fondului forestier și penalitate",
            "Аренда земель лесного фонда и пеня",
            "Forest land lease and late-payment penalty",
        ),
        total=Decimal("4735.50"),
        customer_type="Organization",
        customer_id="1003600009995",
        customer_name="SRL Pădurea Verde",
        issued_days_ago=12,
        due_in_days=30,
        lines=(
            DemoLine(
                line_id="Base:1|Nb-1",
                amount=Decimal("4500.00"),
                account=_MOLDSILVA,
                reason=_t(
                    "Arenda 2025, trimestrul IV",
                    "Аренда 2025, IV квартал",
                    "Lease 2025, 4th quarter",
                ),
            ),
            DemoLine(
                line_id="Pen:1|Nb-2",
                amount=Decimal("235.50"),
                account=_MOLDSILVA,
                reason=_t(
                    "Penalitate pentru întârziere", "Пеня за просрочку", "Late-payment penalty"
                ),
            ),
        ),
    ),
    DemoOrder(
        service_id="MDS02",
        order_key="MDS02240115090000001",
        status="Paid",
        reason=_t(
            "Arenda terenului fondului forestier 2024",
            "Аренда лесных земель 2024",
            "Forest land lease 2024",
        ),
        total=Decimal("0.00"),
        customer_id="2006022048426",
        customer_name="Nume Prenume",
        issued_at="2024-01-15T09:00:00",
        lines=(
            DemoLine(
                line_id="Base:1|Nb-1",
                amount=Decimal("0.00"),
                account=_MOLDSILVA,
                reason=_t("Agenția Moldsilva", "Агентство «Молдсилва»", "Moldsilva Agency"),
            ),
        ),
    ),
    # ------------------------------------------------------------------ IGP01 fines
    DemoOrder(
        service_id="IGP01",
        order_key="IGP2025000123",
        status="Active",
        reason=_t(
            "Amendă: depășirea vitezei (art. 236 CC)",
            "Штраф: превышение скорости (ст. 236 КоАП)",
            "Fine: speeding (art. 236 of the Contravention Code)",
        ),
        total=Decimal("600.00"),
        customer_name="Ion Popescu",
        issued_days_ago=3,
        due_in_days=27,
        lines=(
            DemoLine(
                line_id="PV-1",
                amount=Decimal("600.00"),
                account=_IGP,
                reason=_t(
                    "Amendă contravențională", "Административный штраф", "Contravention fine"
                ),
            ),
        ),
        properties=(
            DemoProperty(
                name="Report",
                type="string",
                required=True,
                value="MAI04123456",
                display=_t("Nr. proces-verbal", "№ протокола", "Report no."),
            ),
            DemoProperty(
                name="Offender",
                type="idn",
                required=True,
                modifiable=True,
                display=_t("IDNP contravenient", "IDNP нарушителя", "Offender's IDNP"),
            ),
            DemoProperty(
                name="Plate",
                type="tc",
                required=True,
                modifiable=True,
                display=_t("Nr. de înmatriculare", "Регистрационный номер", "Registration plate"),
            ),
        ),
    ),
    DemoOrder(
        service_id="IGP01",
        order_key="IGP2025000124",
        status="Paid",
        reason=_t(
            "Amendă: parcare neregulamentară",
            "Штраф: неправильная парковка",
            "Fine: illegal parking",
        ),
        total=Decimal("0.00"),
        customer_name="Maria Rusu",
        issued_days_ago=40,
        lines=(
            DemoLine(
                line_id="PV-1",
                amount=Decimal("0.00"),
                account=_IGP,
                reason=_t(
                    "Amendă contravențională", "Административный штраф", "Contravention fine"
                ),
            ),
        ),
    ),
    DemoOrder(
        service_id="IGP01",
        order_key="IGP2025000125",
        status="Canceled",  # sic, Q12
        reason=_t(
            "Amendă anulată de instanță", "Штраф отменён судом", "Fine cancelled by the court"
        ),
        total=Decimal("400.00"),
        customer_name="Vasile Ceban",
        issued_days_ago=60,
        lines=(
            DemoLine(
                line_id="PV-1",
                amount=Decimal("400.00"),
                account=_IGP,
                reason=_t(
                    "Amendă contravențională", "Административный штраф", "Contravention fine"
                ),
            ),
        ),
    ),
    DemoOrder(
        service_id="IGP01",
        order_key="IGP2025000126",
        status="Active",
        reason=_t(
            "Amendă: trecerea la culoarea roșie",
            "Штраф: проезд на красный свет",
            "Fine: running a red light",
        ),
        total=Decimal("900.00"),
        customer_name="Andrei Lungu",
        issued_days_ago=45,
        due_in_days=-10,  # overdue though still Active: the kiosk must refuse it
        lines=(
            DemoLine(
                line_id="PV-1",
                amount=Decimal("900.00"),
                account=_IGP,
                reason=_t(
                    "Amendă contravențională", "Административный штраф", "Contravention fine"
                ),
            ),
        ),
    ),
    # ------------------------------------------------------------------ ASP01 state duty
    DemoOrder(
        service_id="ASP01",
        order_key="ASP2025100001",
        status="Active",
        reason=_t(
            "Taxă de stat și serviciu: eliberarea pașaportului",
            "Госпошлина и услуга: выдача паспорта",
            "State duty and service fee: passport issue",
        ),
        total=Decimal("380.00"),
        customer_id="2004021045125",
        customer_name="Elena Munteanu",
        issued_days_ago=1,
        due_in_days=10,
        lines=(
            DemoLine(
                line_id="TAXA-1",
                amount=Decimal("230.00"),
                account=_ASP_TREASURY,
                reason=_t("Taxă de stat", "Государственная пошлина", "State duty"),
            ),
            DemoLine(
                line_id="SERV-2",
                amount=Decimal("150.00"),
                account=_ASP_OWN,
                reason=_t(
                    "Serviciu de eliberare (10 zile)",
                    "Услуга выдачи (10 дней)",
                    "Issue service (10 days)",
                ),
                properties=(
                    DemoProperty(
                        name="Applicant",
                        type="string",
                        required=True,
                        modifiable=True,
                        display=_t("Numele solicitantului", "Имя заявителя", "Applicant's name"),
                    ),
                ),
            ),
        ),
        properties=(
            DemoProperty(
                name="Request",
                type="tc",
                required=True,
                modifiable=True,
                value="CER-2025-100001",
                display=_t(
                    "Nr. cererii sau IDNP", "№ заявления или IDNP", "Application no. or IDNP"
                ),
            ),
        ),
    ),
    DemoOrder(
        service_id="ASP01",
        order_key="ASP2025100002",
        status="Expired",
        reason=_t(
            "Taxă de stat: certificat de naștere",
            "Госпошлина: свидетельство о рождении",
            "State duty: birth certificate",
        ),
        total=Decimal("80.00"),
        customer_name="Elena Munteanu",
        issued_days_ago=90,
        due_in_days=-60,
        lines=(
            DemoLine(
                line_id="TAXA-1",
                amount=Decimal("80.00"),
                account=_ASP_TREASURY,
                reason=_t("Taxă de stat", "Государственная пошлина", "State duty"),
            ),
        ),
    ),
    DemoOrder(
        service_id="ASP01",
        order_key="ASP2025100003",
        status="Refunded",
        reason=_t("Taxă de stat restituită", "Возвращённая госпошлина", "State duty refunded"),
        total=Decimal("0.00"),
        customer_name="Pavel Grosu",
        issued_days_ago=120,
        lines=(
            DemoLine(
                line_id="TAXA-1",
                amount=Decimal("0.00"),
                account=_ASP_TREASURY,
                reason=_t("Taxă de stat", "Государственная пошлина", "State duty"),
            ),
        ),
    ),
    # ------------------------------------------------------------------ GRD01 kindergarten
    DemoOrder(
        service_id="GRD01",
        order_key="GRD125-0042",
        status="Active",
        reason=_t(
            "Taxa pentru alimentație, grădinița nr. 125",
            "Оплата питания, детский сад № 125",
            "Meals fee, kindergarten no. 125",
        ),
        total=None,
        allow_partial=True,
        allow_advance=True,
        customer_name="Ana Cojocaru",
        issued_days_ago=5,
        lines=(
            DemoLine(
                line_id="ALIM-1",
                amount=None,
                account=_GRD,
                allow_partial=True,
                allow_advance=True,
                reason=_t("Alimentație", "Питание", "Meals"),
            ),
        ),
        properties=(
            DemoProperty(
                name="Group",
                type="string",
                value="Grupa mare nr. 3",
                display=_t("Grupa", "Группа", "Group"),
            ),
            DemoProperty(
                name="Month",
                type="string",
                required=True,
                modifiable=True,
                display=_t("Luna achitată", "Оплачиваемый месяц", "Month paid for"),
            ),
            _PAYER_IDN,
        ),
    ),
    # ------------------------------------------------------------------ APA01 water
    DemoOrder(  # partial allowed: on the order and the first line only (RO-API rule)
        service_id="APA01",
        order_key="APA-100234",
        status="Active",
        reason=_t(
            "Factura pentru apă și canalizare, octombrie",
            "Счёт за воду и канализацию, октябрь",
            "Water and sewerage bill, October",
        ),
        total=Decimal("411.00"),
        allow_partial=True,
        customer_name="Gheorghe Ursu",
        issued_days_ago=8,
        due_in_days=20,
        lines=(
            DemoLine(
                line_id="APA-1",
                amount=Decimal("312.40"),
                account=_APA,
                allow_partial=True,
                allow_advance=False,
                reason=_t(
                    "Apă potabilă, 15,2 m³", "Питьевая вода, 15,2 м³", "Drinking water, 15.2 m³"
                ),
            ),
            DemoLine(
                line_id="CAN-2",
                amount=Decimal("98.60"),
                account=_APA,
                allow_partial=False,
                allow_advance=False,
                reason=_t("Canalizare", "Канализация", "Sewerage"),
            ),
        ),
        properties=(
            DemoProperty(
                name="Subscriber",
                type="string",
                value="100234",
                display=_t("Cod abonat", "Код абонента", "Subscriber code"),
            ),
        ),
    ),
    DemoOrder(
        service_id="APA01",
        order_key="APA-100235",
        status="PartiallyPaid",
        reason=_t("Factura pentru apă, restanță", "Счёт за воду, остаток", "Water bill, remainder"),
        total=Decimal("150.00"),
        allow_partial=True,
        customer_name="Lidia Bodrug",
        issued_days_ago=35,
        due_in_days=5,
        lines=(
            DemoLine(
                line_id="APA-1",
                amount=Decimal("150.00"),
                account=_APA,
                allow_partial=True,
                reason=_t(
                    "Apă potabilă (rest de plată)",
                    "Питьевая вода (остаток)",
                    "Drinking water (remainder)",
                ),
            ),
        ),
    ),
    DemoOrder(
        service_id="APA01",
        order_key="APA-100236",
        status="Refunding",
        reason=_t(
            "Plată dublă în curs de restituire",
            "Двойной платёж, возврат",
            "Double payment being refunded",
        ),
        total=Decimal("0.00"),
        customer_name="Igor Rotaru",
        issued_days_ago=15,
        lines=(
            DemoLine(
                line_id="APA-1",
                amount=Decimal("0.00"),
                account=_APA,
                reason=_t("Apă potabilă", "Питьевая вода", "Drinking water"),
            ),
        ),
    ),
    # ------------------------------------------------------------------ FSC01 property tax
    DemoOrder(
        service_id="FSC01",
        order_key="2006022048426",
        status="Active",
        reason=_t(
            "Impozitul pe bunurile imobiliare, anul 2025",
            "Налог на недвижимость за 2025 год",
            "Property tax for 2025",
        ),
        total=Decimal("1250.00"),
        allow_advance=True,
        customer_id="2006022048426",
        customer_name="Nume Prenume",
        issued_days_ago=20,
        due_in_days=60,
        lines=(
            DemoLine(
                line_id="IMP-1",
                amount=Decimal("1250.00"),
                account=_FSC,
                allow_advance=True,
                reason=_t("Impozit imobiliar", "Налог на недвижимость", "Property tax"),
            ),
        ),
        properties=(
            DemoProperty(
                name="Period",
                type="string",
                value="2025",
                display=_t("Perioada fiscală", "Налоговый период", "Tax period"),
            ),
        ),
    ),
    DemoOrder(
        service_id="FSC01",
        order_key="FSC-2025-77001",
        status="Completed",
        reason=_t("Impozitul funciar 2024", "Земельный налог 2024", "Land tax 2024"),
        total=Decimal("0.00"),
        customer_name="Nume Prenume",
        issued_days_ago=300,
        lines=(
            DemoLine(
                line_id="IMP-1",
                amount=Decimal("0.00"),
                account=_FSC,
                reason=_t("Impozit funciar", "Земельный налог", "Land tax"),
            ),
        ),
    ),
)

#: Payable orders of a fresh sandbox (for `kiosk simulate`; some ask the payer for properties).
#: Once paid they stay paid in a durable state dir: simulations should prefer `sim_order_key`.
DEMO_ORDERS: list[tuple[str, str]] = [
    ("MDS02", "MDS02250710092629689"),
    ("MDS02", "MDS02251020143015120"),
    ("IGP01", "IGP2025000123"),
    ("ASP01", "ASP2025100001"),
    ("GRD01", "GRD125-0042"),
    ("APA01", "APA-100234"),
    ("APA01", "APA-100235"),
    ("FSC01", "2006022048426"),
]

SIM_AMOUNT = Decimal("150.00")
_SIM_KEY = re.compile(r"^SIM-[A-Za-z0-9-]{1,32}$")

#: Special order keys and what the sandbox does with them (on both operations).
FAULT_KEYS: Mapping[str, str] = {
    "FAULT-500": "HTTP 500 with an HTML error page",
    "FAULT-503": "HTTP 503 with a plain-text body",
    "FAULT-SLOW": "answers normally (an order like SIM-) after `slow_s` seconds",
    "FAULT-INTERNAL": "SOAP fault InternalError",
    "FAULT-INVALID": "SOAP fault InvalidParameter",
    "FAULT-UNKNOWNORDER": "SOAP fault a:UnknownOrder (namespace-prefixed code)",
    "FAULT-AUTH": "SOAP fault AuthenticationFailed",
    "FAULT-BADSIG": "a reply whose signature does not verify (body changed after signing)",
    "FAULT-UNSIGNED": "a reply without WS-Security",
    "FAULT-GARBAGE": "HTTP 200 with a body that is not XML",
    "FAULT-DTD": "HTTP 200 with an entity-expansion (billion laughs) document",
    "FAULT-HUGE": "HTTP 200 with a 3 MB reply",
    "FAULT-RESET": "the connection is reset without a reply",
    "FAULT-QUIRKS": "a payable order with undeclared members, shuffled order, no IsVisible",
}


def is_sim_key(order_key: str) -> bool:
    return bool(_SIM_KEY.match(order_key))


def sim_order_key(service_id: str, n: int) -> str:
    """A fresh simulation order key, e.g. ``SIM-IGP01-000042``."""
    return f"SIM-{service_id}-{n:06d}"


def sim_order(service_id: str, order_key: str) -> DemoOrder:
    service = SERVICES[service_id]
    return DemoOrder(
        service_id=service_id,
        order_key=order_key,
        status="Active",
        reason=_t(
            f"Comandă de simulare: {service.name['ro']}",
            f"Тестовый заказ: {service.name['ru']}",
            f"Simulation order: {service.name['en']}",
        ),
        total=SIM_AMOUNT,
        customer_name="Plătitor Demo",
        issued_days_ago=0,
        due_in_days=30,
        lines=(
            DemoLine(
                line_id="SIM-1", amount=SIM_AMOUNT, account=service.account, reason=service.name
            ),
        ),
    )


_BY_KEY = {(o.service_id, o.order_key): o for o in ORDERS}


def find_order(service_id: str, order_key: str) -> DemoOrder | None:
    """The demo order for (service, key): fixed ones, SIM- keys and FAULT-SLOW; else None."""
    if service_id not in SERVICES:
        return None
    found = _BY_KEY.get((service_id, order_key))
    if found is not None:
        return found
    if is_sim_key(order_key) or order_key.upper() in ("FAULT-SLOW", "FAULT-QUIRKS"):
        return sim_order(service_id, order_key)
    return None
