from django.urls import path

from maillage.dashboard import embeds, opendata_views, views

app_name = "dashboard"
urlpatterns = [
    path("chiffres/", views.figures, name="figures"),
    path("chiffres/animation/", views.animation, name="animation"),
    path("chiffres/animation/recalculer/", views.refresh, name="refresh"),
    path("chiffres/ess-du-territoire-en-chiffres.pdf", views.figures_pdf, name="pdf"),
    path("chiffres/<slug:key>.csv", views.section_csv, name="csv"),
    path("recherche/", views.search, name="search"),
    path("territoires/", views.territories, name="territories"),
    path("donnees-ouvertes/", opendata_views.open_data, name="open_data"),
    path("donnees-ouvertes/<slug:key>.schema.json", opendata_views.open_data_schema, name="open_data_schema"),
    path("donnees-ouvertes/<slug:key>.<str:fmt>", opendata_views.open_data_file, name="open_data_file"),
    path("integrer/", embeds.embed_index, name="embeds"),
    path("integrer/carte/", embeds.embed_map, name="embed_map"),
    path("integrer/agenda/", embeds.embed_agenda, name="embed_agenda"),
    path("integrer/signataires/", embeds.embed_signatories, name="embed_signatories"),
]
