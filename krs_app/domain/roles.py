"""Who a user is in KRS: the three roles (DOMAIN.md, "Who uses it")."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A user's role. A StrEnum, so it is stored and compared as its plain text value."""

    DISTRICT = "district"  # สพท.: reports values, attaches evidence
    BUREAU = "bureau"  # สำนัก: owns indicators, certifies or refuses
    KPI_OFFICE = "kpi_office"  # กพร.: runs the year, the catalogue, accounts, the report

    @property
    def thai(self) -> str:
        return ROLE_THAI[self]


ROLE_THAI = {
    Role.DISTRICT: "สำนักงานเขตพื้นที่การศึกษา (สพท.)",
    Role.BUREAU: "สำนัก (ส่วนกลาง)",
    Role.KPI_OFFICE: "กลุ่มพัฒนาระบบบริหาร (กพร.)",
}
