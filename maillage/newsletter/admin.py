from django.contrib import admin

from maillage.newsletter.models import Delivery, Issue, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "territory", "status", "confirmed_at")
    list_filter = ("territory", "status")
    search_fields = ("email",)


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "territory", "status", "sent_at")
    list_filter = ("territory", "status")
    readonly_fields = ("status", "sent_at", "send_started_at")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("issue", "subscriber", "state", "updated_at")
    list_filter = ("state",)
    raw_id_fields = ("issue", "subscriber")
