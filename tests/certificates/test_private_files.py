"""Certificate PDFs live in the private storage, under unguessable names, one file per version, served only
through the permission-checking download view (optionally handed to nginx / Apache by a header)."""

import threading
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.db import connection
from django.urls import reverse

from certificates import rendering, services
from certificates.models import Certificate
from enrollment.models import EnrollmentStatus
from tests import factories
from tests.certificates.conftest import ensure_base_data, finished_cohort


def _issue(user=None):
    user = user or factories.UserFactory(full_name="Mari Mägi")
    enrollment = factories.EnrollmentFactory(cohort=finished_cohort(), user=user, status=EnrollmentStatus.COMPLETED)
    return services.certificate_issue(enrollment=enrollment)


@pytest.fixture
def saved_names(monkeypatch):
    """Every name the rendering wrote to the private storage, in order."""
    names = []
    original = rendering._store_new_file

    def spy(*args, **kwargs):
        name = original(*args, **kwargs)
        names.append(name)
        return name

    monkeypatch.setattr(rendering, "_store_new_file", spy)
    return names


@pytest.mark.django_db
def test_the_pdf_is_stored_outside_media_root_under_an_unguessable_name(site_tree, settings):
    certificate = rendering.certificate_pdf_ensure(certificate=_issue())

    private = storages["private"]
    path = Path(private.path(certificate.pdf.name)).resolve()
    assert path.is_file()
    assert Path(settings.PRIVATE_MEDIA_ROOT).resolve() in path.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in path.parents
    assert not Path(settings.PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    stem = Path(certificate.pdf.name).stem
    assert certificate.number not in certificate.pdf.name
    assert len(stem) >= 32  # a random token of at least 192 bits, nothing derived from the certificate
    assert certificate.pdf_version == certificate.version == 1


@pytest.mark.django_db
def test_two_certificates_never_share_a_predictable_pattern(site_tree):
    first = rendering.certificate_pdf_ensure(certificate=_issue())
    second = rendering.certificate_pdf_ensure(certificate=_issue())
    assert first.pdf.name != second.pdf.name
    assert Path(first.pdf.name).parent == Path(second.pdf.name).parent == Path("certificates")


@pytest.mark.django_db
def test_a_reissue_replaces_the_file_and_removes_the_old_one(site_tree, saved_names,
                                                             django_capture_on_commit_callbacks):
    user = factories.UserFactory(full_name="Mari Mägi")
    certificate = rendering.certificate_pdf_ensure(certificate=_issue(user))
    old_name = certificate.pdf.name

    user.full_name = "Mari Kask"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_reissue(certificate=certificate, actor=user)  # the task renders version 2
    certificate = rendering.certificate_pdf_ensure(certificate=Certificate.objects.get(pk=certificate.pk))

    assert (certificate.version, certificate.pdf_version) == (2, 2)
    assert certificate.pdf.name != old_name
    private = storages["private"]
    assert not private.exists(old_name)
    assert [name for name in saved_names if private.exists(name)] == [certificate.pdf.name]
    assert len(saved_names) == 2  # the download found version 2 already stored


@pytest.mark.django_db
def test_a_render_overtaken_by_a_reissue_is_thrown_away(site_tree, monkeypatch, saved_names):
    user = factories.UserFactory(full_name="Mari Mägi")
    certificate = _issue(user)
    original = rendering.render_certificate_pdf
    calls = []

    def render_while_a_reissue_commits(cert, *, language):
        content = original(cert, language=language)
        if not calls:  # the first render finishes after the version went up
            Certificate.objects.filter(pk=cert.pk).update(version=2, holder_name="Mari Kask")
        calls.append(cert.version)
        return content

    monkeypatch.setattr(rendering, "render_certificate_pdf", render_while_a_reissue_commits)
    rendering.certificate_pdf_ensure(certificate=certificate)

    certificate.refresh_from_db()
    assert calls == [1, 2]
    assert certificate.pdf_version == 2
    private = storages["private"]
    assert [name for name in saved_names if private.exists(name)] == [certificate.pdf.name]


@pytest.mark.django_db
def test_a_current_file_is_not_rendered_again(site_tree, saved_names):
    certificate = rendering.certificate_pdf_ensure(certificate=_issue())
    again = rendering.certificate_pdf_ensure(certificate=Certificate.objects.get(pk=certificate.pk))
    assert again.pdf.name == certificate.pdf.name
    assert len(saved_names) == 1


@pytest.mark.django_db
def test_download_streams_the_file_by_default(client, site_tree):
    user = factories.UserFactory()
    certificate = _issue(user)
    client.force_login(user)
    response = client.get(reverse("certificate_pdf", args=[certificate.number]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response


@pytest.mark.django_db
def test_download_can_hand_the_file_to_nginx(client, site_tree, settings):
    settings.PRIVATE_MEDIA_SERVE = "x-accel-redirect"
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    user = factories.UserFactory()
    certificate = _issue(user)
    client.force_login(user)

    response = client.get(reverse("certificate_pdf", args=[certificate.number]))

    certificate.refresh_from_db()
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/_private/" + certificate.pdf.name
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    assert response.content == b""


@pytest.mark.django_db
def test_download_can_hand_the_file_to_apache_x_sendfile(client, site_tree, settings):
    settings.PRIVATE_MEDIA_SERVE = "x-sendfile"
    user = factories.UserFactory()
    certificate = _issue(user)
    client.force_login(user)

    response = client.get(reverse("certificate_pdf", args=[certificate.number]))

    certificate.refresh_from_db()
    assert response["X-Sendfile"] == storages["private"].path(certificate.pdf.name)
    assert response.content == b""


@pytest.mark.django_db
def test_another_person_gets_no_header_pointing_at_the_file(client, site_tree, settings):
    settings.PRIVATE_MEDIA_SERVE = "x-accel-redirect"
    certificate = _issue()
    client.force_login(factories.UserFactory())
    response = client.get(reverse("certificate_pdf", args=[certificate.number]))
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_renders_leave_one_file(monkeypatch, saved_names):
    ensure_base_data()
    certificate = _issue()  # the (immediate) task already rendered it: start again from no file
    storages["private"].delete(Certificate.objects.get(pk=certificate.pk).pdf.name)
    Certificate.objects.filter(pk=certificate.pk).update(pdf="", pdf_version=0)
    saved_names.clear()
    original = rendering.render_certificate_pdf
    barrier = threading.Barrier(2)

    def render_together(cert, *, language):
        content = original(cert, language=language)
        barrier.wait(timeout=30)  # both renders are done before either stores its file
        return content

    monkeypatch.setattr(rendering, "render_certificate_pdf", render_together)
    errors = []

    def run():
        try:
            rendering.certificate_render_pdf(certificate=certificate)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    certificate.refresh_from_db()
    private = storages["private"]
    assert len(saved_names) == 2
    assert [name for name in saved_names if private.exists(name)] == [certificate.pdf.name]
    assert certificate.pdf_version == 1
