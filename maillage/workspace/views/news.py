"""Pages of the news watch (veille): the list, proposing an item, picking for the lettre, the feeds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from maillage.workspace import selectors, services
from maillage.workspace.forms import NewsFeedForm, NewsItemForm
from maillage.workspace.models import NewsFeed, NewsItem
from maillage.workspace.views._common import form_errors, served_territory, territory_member, territory_staff


def news(request: HttpRequest) -> HttpResponse:
    context = selectors.news(
        request.user,
        served_territory(request),
        query=(request.GET.get("q") or "").strip()[:200],
        tag=(request.GET.get("tag") or "").strip().lower()[:50],
        page=request.GET.get("page"),
    )
    return render(request, "workspace/news.html", context)


@login_required
def news_create(request: HttpRequest) -> HttpResponse:
    territory = territory_member(request)
    form = NewsItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_news_item(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, "Merci : l'article est ajouté à la veille.")
            return redirect("workspace:news")
    return render(request, "workspace/news_form.html", {"form": form})


@login_required
@require_POST
def news_pick(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(NewsItem.objects.in_territory(served_territory(request)), pk=pk)
    services.pick_news_item(actor=request.user, item=item, picked=request.POST.get("picked") == "1")
    messages.success(
        request,
        "Article retenu pour la prochaine lettre." if item.picked_at else "Article retiré de la lettre.",
    )
    return redirect(
        request.POST.get("next")
        if url_has_allowed_host_and_scheme(request.POST.get("next"), allowed_hosts={request.get_host()})
        else "workspace:news"
    )


@login_required
def news_feeds(request: HttpRequest) -> HttpResponse:
    territory = territory_staff(request)
    form = NewsFeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_news_feed(actor=request.user, territory=territory, **form.cleaned_data)
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, "Flux ajouté : il sera lu dans l'heure (ou tout de suite avec « Lire maintenant »)."
            )
            return redirect("workspace:feeds")
    return render(request, "workspace/feeds.html", selectors.news_feeds(request.user, territory, form))


@login_required
@require_POST
def news_feed_import(request: HttpRequest, pk: int) -> HttpResponse:
    territory = territory_staff(request)
    feed = get_object_or_404(NewsFeed.objects.for_user(request.user, territory), pk=pk)
    count = services.import_news_feed(feed=feed)
    feed.refresh_from_db()
    if feed.last_error:
        messages.error(request, f"Le flux « {feed.title} » n'a pas pu être lu : {feed.last_error}")
    else:
        messages.success(request, f"{count} nouvel(s) article(s) importé(s) depuis « {feed.title} ».")
    return redirect("workspace:feeds")
