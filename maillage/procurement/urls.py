from django.urls import path

from maillage.procurement.views import buyers, needs, offers, shortlists

app_name = "procurement"

urlpatterns = [
    path("", needs.home, name="home"),
    path("fournisseurs/", offers.supplier_search, name="suppliers"),
    path("potentiel/", offers.potential, name="potential"),
    path("offre/<slug:slug>/", offers.offer_edit, name="offer"),
    path("animation/", needs.animation, name="animation"),
    path("besoins/nouveau/", needs.need_create, name="need_create"),
    path("besoins/<int:pk>/", needs.need_detail, name="need"),
    path("besoins/<int:pk>/modifier/", needs.need_edit, name="need_edit"),
    path("besoins/<int:pk>/suite/", needs.outcome, name="outcome"),
    path("besoins/<int:pk>/documents/<int:attachment_pk>/", needs.attachment, name="attachment"),
    path("reponses/<int:pk>/", buyers.answer, name="answer"),
    path("acheteurs/<slug:slug>/", buyers.dashboard, name="dashboard"),
    path("acheteurs/<slug:slug>/import/", buyers.ledger_import, name="ledger_import"),
    path("acheteurs/<slug:slug>/decp.json", buyers.decp_export, name="decp"),
    path("listes/", shortlists.shortlists, name="shortlists"),
    path("listes/<int:pk>/", shortlists.shortlist, name="shortlist"),
    path("offres/propositions/<int:pk>/", shortlists.offer_proposal, name="offer_proposal"),
    path(
        "reponses/<int:pk>/documents/<int:document_pk>/", shortlists.answer_document, name="answer_document"
    ),
]
