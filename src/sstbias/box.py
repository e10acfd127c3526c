"""A latitude/longitude box and the raw box a config's raw files cover (standard library only, cheap to import in
download jobs)."""

from __future__ import annotations

from dataclasses import dataclass

from sstbias.errors import ConfigError


@dataclass(frozen=True)
class Box:
    """A latitude/longitude box in degrees; longitudes in [-180, 180), lat_min < lat_max, lon_min < lon_max."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat_min < self.lat_max <= 90.0:
            raise ConfigError(
                f"box: need -90 <= lat_min < lat_max <= 90, got lat_min={self.lat_min}, lat_max={self.lat_max}"
            )
        if not -180.0 <= self.lon_min < self.lon_max <= 180.0:
            raise ConfigError(
                f"box: need -180 <= lon_min < lon_max <= 180, got lon_min={self.lon_min}, lon_max={self.lon_max}"
            )

    @classmethod
    def from_config(cls, box: dict) -> Box:
        """Build from the config's ``box`` mapping (keys lat_min, lat_max, lon_min, lon_max)."""
        return cls(float(box["lat_min"]), float(box["lat_max"]), float(box["lon_min"]), float(box["lon_max"]))

    def expanded(self, margin: float) -> Box:
        """The box grown by ``margin`` degrees on every side (clipped to valid latitudes)."""
        return Box(
            max(self.lat_min - margin, -90.0),
            min(self.lat_max + margin, 90.0),
            self.lon_min - margin,
            self.lon_max + margin,
        )


def raw_box(config: dict) -> Box:
    """The box that raw files cover: the analysis box grown by ``raw_margin_deg`` (degrees, rounded to 1e-6).

    ConfigError quoting the box as written when the grown box would cross the antimeridian (+-180 deg), which no
    reader or server request handles in one piece.
    """
    box, margin = Box.from_config(config["box"]), config["raw_margin_deg"]
    if box.lon_min - margin < -180.0 or box.lon_max + margin > 180.0:
        raise ConfigError(
            f"box: lon_min={config['box']['lon_min']}, lon_max={config['box']['lon_max']} with raw_margin_deg="
            f"{margin} reaches beyond the antimeridian (+-180 deg), which is not supported: keep the box within "
            f"lon {-180.0 + margin:g}..{180.0 - margin:g}"
        )
    grown = box.expanded(margin)
    return Box(*(round(edge, 6) for edge in (grown.lat_min, grown.lat_max, grown.lon_min, grown.lon_max)))
