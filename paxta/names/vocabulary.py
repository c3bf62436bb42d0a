"""Industry words in company names, as stems grouped into sectors.

The English words come from two places: the English of every industry and business term in the
shipped term table (化学 Chemical, 色纺 colour spinning ...) and a list of the words English
company names use for the same trades (apparel, garment, melange, polysilicon ...). A stem is
the word's singular, so textile/textiles and fiber/fibers agree; sectors say which
stems are the same line of business, so 服装 "apparel" and "Garment" do not count as a conflict.
"""

from __future__ import annotations

from functools import cache

from paxta.names.english import normalise_latin
from paxta.names.terms import terms_of

# sector -> words. Only the sector matters for conflicts; exact stems count for agreement.
SECTORS: dict[str, str] = {
    "textile": "textile textiles spinning spin spun yarn yarns melange weaving weave woven "
    "knitting knit knitwear fabric fabrics fiber fibers fibre cotton linen wool woolen wool "
    "cashmere flax hemp silk dyeing dyed dye printing finishing ginning gin polyester viscose "
    "spandex nylon nonwoven home color colour colored coloured",
    "apparel": "apparel garment garments clothing clothes fashion wear wears dress shoes shoe "
    "footwear hosiery accessories accessory hair wig wigs glove gloves bag bags",
    "solar": "silicon polysilicon solar photovoltaic pv wafer wafers semiconductor",
    "energy": "energy power electric electricity coal oil gas petroleum petrochemical battery "
    "batteries wind thermal coking lithium",
    "chemical": "chemical chemicals chemistry pvc chlor alkali plastic plastics resin rubber",
    "metal": "metal metals nonferrous aluminum aluminium steel iron copper zinc magnesium gold "
    "mine mining mineral minerals nickel alloy rare earth titanium tungsten molybdenum "
    "metallurgy metallurgical smelting stainless",
    "food": "food foods tomato tomatoes ketchup canned pepper chili jujube date walnut grape "
    "fruit fruits vegetable vegetables sugar agriculture agricultural farm farming ranch "
    "livestock seed seeds cereals oils grain produce beverage herbal medicinal medicine "
    "ingredients additive additives fishing fishery ocean",
    "bio": "biotechnology biological biotech bioscience pharmaceutical pharma nutraceutical "
    "pharmatech health",
    "tech": "technology technologies information electronics electronic digital software "
    "machinery machine machines equipment automation optoelectronic microelectronics printing "
    "computer telecom communication communications science semiconductors chip chips software "
    "intelligent optical video imaging instruments robotics cable appliances",
    "trade": "trade trading import export commerce commercial business supply chain "
    "international economic",
    "logistics": "logistics warehousing warehouse storage transport transportation shipping "
    "freight distribution marine maritime",
    # Finance: each kind its own sector, so a bank and a securities firm never agree.
    "bank": "bank banking credit",
    "securities": "securities brokerage",
    "insurance": "insurance",
    "finance": "finance financial capital exchange",
    "consumer": "toys toy paper furniture ceramics ceramic auto parts cosmetics jewellery "
    "jewelry gems",
    "construction": "construction engineering building real estate property",
    "government": "public security bureau department police college government people ministry",
    "general": "industry industrial industries products product manufacturing manufacture "
    "materials material new enterprise enterprises services service management development "
    "investment production",
}
# Words for one line of business (a sector holds several: cotton and textile are two trades of
# one sector, apparel and garment are one trade).
SYNONYMS: tuple[str, ...] = (
    "apparel garment clothing clothes fashion wear dress",
    "warehousing warehouse storage",
    "spinning spin spun yarn textile",
    "weaving weave woven",
    "knitting knit knitwear",
    "dyeing dyed dye",
    "color colour colored coloured",
    "technology technologies science tech",
    "electronics electronic",
    "biotechnology biological biotech bioscience biology",
    "pharmaceutical pharma pharmatech",
    "mining mine mineral",
    "metal metallurgy metallurgical",
    "food ingredients",
    "agriculture agricultural farm farming",
    "chemical chemistry",
    "photovoltaic pv solar",
    "communication telecom",
    "logistics supply chain",
    "hair wig",
    "intelligent intelligence smart",
    "computer computing",
    "cereal grain",
    "herbal medicinal medicine",
    "nutrition nutraceutical",
)
# Stems so general they show no line of business: agreeing on them proves little.
GENERIC_SECTORS = frozenset({"general", "trade"})


_KEEP_S = frozenset({"securities", "glass", "gas", "logistics", "electronics", "plus", "news"})


def industry_stem(word: str) -> str:
    """The comparable stem of an industry word: its singular (textiles, textile → textile)."""
    if word in _KEEP_S or len(word) <= 3:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@cache
def _stem_sectors() -> dict[str, str]:
    out: dict[str, str] = {}
    for sector, words in SECTORS.items():
        for word in words.split():
            for w in normalise_latin(word).words:
                out.setdefault(industry_stem(w), sector)
    for term in terms_of("industry", "business_word", "government").values():
        sector = _sector_of_category(term.category)
        for w in normalise_latin(term.english).words:
            if len(w) > 2:
                out.setdefault(industry_stem(w), sector)
    return out


def _sector_of_category(category: str) -> str:
    return {
        "industry_textile": "textile",
        "industry_apparel": "apparel",
        "industry_polysilicon": "solar",
        "industry_energy": "energy",
        "industry_chemical": "chemical",
        "industry_metals": "metal",
        "industry_materials": "general",
        "industry_agri": "food",
        "industry_finance": "finance",  # 证券 Securities, 银行 Bank: their words say which
        "industry_tech": "tech",
        "industry_logistics": "logistics",
        "industry_construction": "construction",
        "industry_bio": "bio",
        "industry_consumer": "consumer",
        "government": "government",
    }.get(category, "general")


def is_industry_word(word: str) -> bool:
    """Whether ``word`` (normalised, lower case) names a line of business."""
    return len(word) > 2 and industry_stem(word) in _stem_sectors()


def sector(stem: str) -> str:
    """The sector of an industry stem ('' when unknown)."""
    return _stem_sectors().get(stem, "")


@cache
def industry_words() -> frozenset[str]:
    """Industry words as written and as stems (from the sectors and the term table)."""
    return frozenset(_stem_sectors()) | known_words()


@cache
def known_words() -> frozenset[str]:
    """Every industry word in full (for telling a word cut off by a 35-character field)."""
    return frozenset(w for words in SECTORS.values() for w in words.split())


@cache
def _synonym_groups() -> dict[str, int]:
    return {industry_stem(w): i for i, words in enumerate(SYNONYMS) for w in words.split()}


def one_trade(a: str, b: str) -> bool:
    """Whether industry stems ``a`` and ``b`` name one line of business (garment, apparel;
    biological, biotechnology), not two of one sector (cotton, textile)."""
    if a == b or a[:3] == b[:3]:
        return True
    groups = _synonym_groups()
    return a in groups and groups[a] == groups.get(b)
