"""Writes of the dashboard: the cached figures (`figures`) and the open-data files (`opendata`)."""

from maillage.dashboard.services.figures import check_year, figures_for_visit, refresh_all, refresh_figures
from maillage.dashboard.services.opendata import build_dataset_files, build_open_data

__all__ = [
    "build_dataset_files",
    "build_open_data",
    "check_year",
    "figures_for_visit",
    "refresh_all",
    "refresh_figures",
]
