"""Estonia's 15 counties and 79 municipalities (the 2017 administrative reform, in force since).

Kept as data in the project so sign-up and eligibility never depend on an outside service. The
county code is the EHAK code of the Estonian Land Board's classification of administrative units.
"""

COUNTIES: dict[str, tuple[str, list[str]]] = {
    # county name: (EHAK code, municipalities)
    "Harju maakond": ("37", [
        "Anija vald", "Harku vald", "Jõelähtme vald", "Keila linn", "Kiili vald", "Kose vald",
        "Kuusalu vald", "Loksa linn", "Lääne-Harju vald", "Maardu linn", "Raasiku vald", "Rae vald",
        "Saku vald", "Saue vald", "Tallinn", "Viimsi vald",
    ]),
    "Hiiu maakond": ("39", ["Hiiumaa vald"]),
    "Ida-Viru maakond": ("44", [
        "Alutaguse vald", "Jõhvi vald", "Kohtla-Järve linn", "Lüganuse vald", "Narva linn",
        "Narva-Jõesuu linn", "Sillamäe linn", "Toila vald",
    ]),
    "Jõgeva maakond": ("49", ["Jõgeva vald", "Mustvee vald", "Põltsamaa vald"]),
    "Järva maakond": ("51", ["Järva vald", "Paide linn", "Türi vald"]),
    "Lääne maakond": ("57", ["Haapsalu linn", "Lääne-Nigula vald", "Vormsi vald"]),
    "Lääne-Viru maakond": ("59", [
        "Haljala vald", "Kadrina vald", "Rakvere linn", "Rakvere vald", "Tapa vald", "Vinni vald",
        "Viru-Nigula vald", "Väike-Maarja vald",
    ]),
    "Põlva maakond": ("65", ["Kanepi vald", "Põlva vald", "Räpina vald"]),
    "Pärnu maakond": ("67", [
        "Häädemeeste vald", "Kihnu vald", "Lääneranna vald", "Põhja-Pärnumaa vald", "Pärnu linn",
        "Saarde vald", "Tori vald",
    ]),
    "Rapla maakond": ("70", ["Kehtna vald", "Kohila vald", "Märjamaa vald", "Rapla vald"]),
    "Saare maakond": ("74", ["Muhu vald", "Ruhnu vald", "Saaremaa vald"]),
    "Tartu maakond": ("78", [
        "Elva vald", "Kambja vald", "Kastre vald", "Luunja vald", "Nõo vald", "Peipsiääre vald",
        "Tartu linn", "Tartu vald",
    ]),
    "Valga maakond": ("82", ["Otepää vald", "Tõrva vald", "Valga vald"]),
    "Viljandi maakond": ("84", ["Mulgi vald", "Põhja-Sakala vald", "Viljandi linn", "Viljandi vald"]),
    "Võru maakond": ("86", ["Antsla vald", "Rõuge vald", "Setomaa vald", "Võru linn", "Võru vald"]),
}
