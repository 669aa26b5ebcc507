"""The specifications API: upload documents to be scanned, read the documents kept with their
citations, and the fix-it list — thin over the services and selectors."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from standards.api import MinistryCodeField
from standards.models import Ministry
from standards.specifications import selectors, services
from standards.specifications.forms import FixItFilter
from standards.specifications.models import (
    TO_FIX,
    SpecificationCitation,
    SpecificationDocument,
)
from standards.tasks import enqueue_scan


class CanUseSpecifications(permissions.IsAuthenticated):
    """Coordinators, and ministry viewers for their own ministry's documents."""

    def has_permission(self, request, view):
        return super().has_permission(request, view) and selectors.can_use_specifications(
            request.user
        )


class CitationSerializer(serializers.ModelSerializer):
    place = serializers.CharField(read_only=True, help_text="Page of a PDF, or sheet and row…")
    # plain strings, named in the help: the enum names "status" and "state" are other models' in
    # the schema
    status = serializers.CharField(
        read_only=True, help_text="current, superseded, withdrawn or unknown"
    )
    current_edition = serializers.CharField(read_only=True)

    class Meta:
        model = SpecificationCitation
        fields = (
            "number",
            "text",
            "edition_year",
            "status",
            "standard",
            "current_edition_year",
            "current_edition",
            "page",
            "sheet",
            "table",
            "row",
            "paragraph",
            "line",
            "place",
            "context",
        )


class FixItSerializer(CitationSerializer):
    document = serializers.IntegerField(source="document_id", read_only=True)
    document_title = serializers.CharField(source="document.title", read_only=True)
    ministry = serializers.CharField(source="document.ministry_id", read_only=True)

    class Meta(CitationSerializer.Meta):
        fields = ("document", "document_title", "ministry", *CitationSerializer.Meta.fields)


class DocumentSerializer(serializers.ModelSerializer):
    ministry = serializers.CharField(source="ministry_id", read_only=True)
    finished = serializers.BooleanField(read_only=True)
    state = serializers.CharField(
        read_only=True, help_text="queued, scanning, done, skipped (could not be read) or failed"
    )
    skipped_reason = serializers.CharField(
        read_only=True,
        help_text="no_text_layer, encrypted, corrupt, too_large, archive_bomb, unsupported, "
        "encoding; blank when read",
    )
    citation_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = SpecificationDocument
        fields = (
            "id",
            "ministry",
            "title",
            "file_name",
            "size",
            "content_hash",
            "uploaded_at",
            "state",
            "finished",
            "pages_read",
            "pages",
            "skipped_reason",
            "error",
            "scanned_at",
            "citation_count",
        )


class DocumentDetailSerializer(DocumentSerializer):
    citations = serializers.SerializerMethodField()

    class Meta(DocumentSerializer.Meta):
        fields = (*DocumentSerializer.Meta.fields, "citations")

    @extend_schema_field(CitationSerializer(many=True))
    def get_citations(self, document):
        return CitationSerializer(selectors.document_citations(document), many=True).data


class UploadSerializer(serializers.Serializer):
    ministry = MinistryCodeField(
        queryset=Ministry.objects.all(),
        help_text="Ministry code, e.g. METI; a ministry viewer may give only their own.",
    )
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    files = serializers.ListField(
        child=serializers.FileField(),
        allow_empty=False,
        help_text="One or more files (PDF, DOCX, XLSX, HTML, TXT, or a ZIP of them).",
    )


UploadResult = inline_serializer(
    "SpecificationUploadResult",
    {
        "name": serializers.CharField(),
        "created": serializers.BooleanField(help_text="False: already uploaded (same content)."),
        "document": DocumentSerializer(allow_null=True),
        "problem": serializers.CharField(help_text="Why the file was refused, if it was."),
    },
    many=True,
)


class SpecificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Procurement specification documents and the JIS they cite. POST uploads files (multipart,
    several at once, or a ZIP); each is scanned on the worker: follow `state` until `finished`.
    The same content uploaded again for the same ministry is answered with the document already
    kept (`created` false). Coordinators see every ministry's documents, a ministry viewer their
    own."""

    permission_classes = [CanUseSpecifications]
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = None
    ordering_fields = ("uploaded_at", "title")

    def get_queryset(self):
        return selectors.document_list(self.request.user)

    def get_serializer_class(self):
        return DocumentDetailSerializer if self.action == "retrieve" else DocumentSerializer

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: UploadResult, 200: UploadResult, 400: OpenApiResponse(OpenApiTypes.OBJECT)},
    )
    def create(self, request, *args, **kwargs):
        data = UploadSerializer(
            data={
                "ministry": request.data.get("ministry"),
                "title": request.data.get("title", ""),
                "files": request.FILES.getlist("files") or request.FILES.getlist("file"),
            }
        )
        data.is_valid(raise_exception=True)
        ministry = data.validated_data["ministry"]
        if not selectors.upload_ministries(request.user).filter(pk=ministry.pk).exists():
            return Response(
                {"ministry": ["You may upload only for your own ministry."]},
                status=status.HTTP_403_FORBIDDEN,
            )
        outcomes = services.specifications_upload(
            ministry=ministry,
            files=data.validated_data["files"],
            title=data.validated_data["title"],
            by=request.user,
            enqueue=enqueue_scan,
        )
        body = [
            {
                "name": o.name,
                "created": o.created,
                "document": DocumentSerializer(o.document).data if o.document else None,
                "problem": o.problem,
            }
            for o in outcomes
        ]
        created = any(o.created for o in outcomes)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        responses=FixItSerializer(many=True),
        parameters=[
            OpenApiParameter("status", enum=[s.value for s in TO_FIX]),
            OpenApiParameter("ministry", description="Ministry code (coordinators)."),
            OpenApiParameter("document", int, description="Document id."),
            OpenApiParameter("number", description="Part of the JIS number."),
        ],
    )
    @action(detail=False, url_path="fix-it", filter_backends=[])
    def fix_it(self, request):
        """Citations of a withdrawn JIS, or of an edition older than the current one, in the
        documents the caller sees. Filter by status, ministry, document and number."""
        queryset = FixItFilter(request.GET, queryset=selectors.fix_it_citations(request.user)).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(FixItSerializer(page, many=True).data)
