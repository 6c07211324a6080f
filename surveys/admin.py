"""The survey's admin for the quality managers.

A frozen questionnaire version is read-only here as on its page: a campaign's answers
must keep meaning what was asked. Changes go into a new version, made on the page.
"""

from django.contrib import admin

from .models import Choice, Question, Questionnaire, Section


class FrozenReadOnlyInline(admin.TabularInline):
    """An inline that may be changed only while its questionnaire is not frozen."""

    extra = 0

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.is_frozen

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class SectionInline(FrozenReadOnlyInline):
    model = Section
    fields = ["title", "position"]


class QuestionInline(FrozenReadOnlyInline):
    model = Question
    fields = ["section", "position", "text", "kind", "dimension", "required", "industry", "product_model"]
    raw_id_fields = ["product_model"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "section" in formset.form.base_fields:
            formset.form.base_fields["section"].queryset = Section.objects.filter(questionnaire=obj)
        return formset


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["code", "version", "title", "frozen_at", "created_by", "created_at"]
    list_filter = [("frozen_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "title"]
    readonly_fields = ["frozen_at", "previous", "created_by", "created_at", "updated_at"]
    inlines = [SectionInline, QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return ["code", "version", "title", "introduction", "closing_text", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # A version is kept once made: a newer one points to it, campaigns may use it.
        return False

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ChoiceInline(FrozenReadOnlyInline):
    model = Choice
    fields = ["text", "position"]

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.questionnaire.is_frozen


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "kind", "dimension", "required"]
    list_filter = ["kind", "dimension"]
    list_select_related = ["questionnaire"]
    search_fields = ["text"]
    raw_id_fields = ["questionnaire", "section", "product_model"]
    inlines = [ChoiceInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.questionnaire.is_frozen:
            return False
        return request.user.has_perm("surveys.change_questionnaire")

    def has_add_permission(self, request):
        return request.user.has_perm("surveys.change_questionnaire")

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("surveys.view_questionnaire")
