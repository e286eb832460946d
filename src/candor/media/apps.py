from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "candor.media"
    label = "media"

    def ready(self):
        from candor.media import queries, views
        from candor.publiclog import files

        # The wiki renders embeds and File pages through these hooks; it never imports media.
        files.add_file_resolver(queries.resolve)
        files.add_file_page(views.file_page)
