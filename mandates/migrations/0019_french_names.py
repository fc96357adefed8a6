"""French names for the reference data managers see: missions (and their host countries),
units and themes keep their English name and gain the official French form, which French pages
show. Existing rows of the seed data get the United Nations' French terms; rows the seed does not
know keep a blank French name (pages fall back to the English). Reversing removes the fields."""

from django.db import migrations, models

MISSIONS = {
    # acronym: (name, host country)
    "MINUSMA": (
        "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation au Mali",
        "Mali",
    ),
    "UNOCI": ("Opération des Nations Unies en Côte d'Ivoire", "Côte d'Ivoire"),
    "UNMIL": ("Mission des Nations Unies au Libéria", "Libéria"),
    "MINUSTAH": ("Mission des Nations Unies pour la stabilisation en Haïti", "Haïti"),
    "UNCT-GUINEA": ("Équipe de pays des Nations Unies en Guinée", "Guinée"),
    "MINUSCA": (
        "Mission multidimensionnelle intégrée des Nations Unies pour la stabilisation en "
        "République centrafricaine",
        "République centrafricaine",
    ),
    "MONUSCO": (
        "Mission de l'Organisation des Nations Unies pour la stabilisation en République "
        "démocratique du Congo",
        "République démocratique du Congo",
    ),
    "UNMISS": ("Mission des Nations Unies en République du Soudan du Sud", "Soudan du Sud"),
    "BINUH": ("Bureau intégré des Nations Unies en Haïti", "Haïti"),
    "UNSMIL": ("Mission d'appui des Nations Unies en Libye", "Libye"),
    "UNOWAS": ("Bureau des Nations Unies pour l'Afrique de l'Ouest et le Sahel", "Sénégal"),
    "UNIOGBIS": (
        "Bureau intégré des Nations Unies pour la consolidation de la paix en Guinée-Bissau",
        "Guinée-Bissau",
    ),
    "MINUJUSTH": ("Mission des Nations Unies pour l'appui à la justice en Haïti", "Haïti"),
}

UNITS = {
    "DPO": "Département des opérations de paix",
    "OROLSI": "Bureau de l'état de droit et des institutions chargées de la sécurité",
    "SSRU": "Groupe de la réforme du secteur de la sécurité",
    "PD": "Division de la police",
    "JCS": "Service de la justice et de l'administration pénitentiaire",
    "DDRS": "Section du désarmement, de la démobilisation et de la réintégration",
    "UNMAS": "Service de la lutte antimines de l'ONU",
    "DPPA": "Département des affaires politiques et de la consolidation de la paix",
    "PBSO": "Bureau d'appui à la consolidation de la paix",
    "IASSRTF": "Équipe spéciale interinstitutions pour la réforme du secteur de la sécurité",
    "UNDP": "Programme des Nations Unies pour le développement",
    "OHCHR": "Haut-Commissariat des Nations Unies aux droits de l'homme",
    "UNODC": "Office des Nations Unies contre la drogue et le crime",
    "UN-WOMEN": (
        "Entité des Nations Unies pour l'égalité des sexes et l'autonomisation des femmes"
    ),
    "UNICEF": "Fonds des Nations Unies pour l'enfance",
    "AU": "Commission de l'Union africaine",
    **{
        f"{mission}-SSR": f"{mission} – Section de la réforme du secteur de la sécurité"
        for mission in MISSIONS
        if mission != "UNCT-GUINEA"
    },
}

THEMES = {
    "national-ownership": "Appropriation nationale",
    "gender": "Égalité des genres et participation des femmes",
    "youth": "Jeunes",
    "child-protection": "Protection de l'enfance",
    "human-rights": "Droits de l'homme et application du principe de responsabilité",
    "rule-of-law": "État de droit",
    "ddr": "Désarmement, démobilisation et réintégration",
    "small-arms": "Armes légères et de petit calibre",
    "arms-embargoes": "Embargos sur les armes",
    "transitions": "Transitions et retrait",
    "partnerships": "Partenariats avec l'Union africaine et les organismes régionaux",
    "coordination": "Coordination de l'appui international",
    "monitoring-evaluation": "Suivi et évaluation",
    "financing": "Financement",
    "guidance-capacity": "Orientations, formation et capacités civiles",
    "reporting": "Rapports au Conseil de sécurité",
    "sector-governance": (
        "Gouvernance de l'ensemble du secteur (dialogues, examens, politiques, législation, "
        "contrôle)"
    ),
    "defence": "Défense",
    "police": "Police",
    "justice-corrections": "Justice et administration pénitentiaire",
    "border-management": "Frontières, douanes et immigration",
    "civil-protection": "Protection civile et gestion des catastrophes",
    "maritime-security": "Sécurité maritime",
    "intelligence": "Renseignement",
    "customary-providers": "Prestataires de sécurité coutumiers et traditionnels",
}


def fill(apps, schema_editor):
    Mission = apps.get_model("mandates", "Mission")
    Unit = apps.get_model("mandates", "Unit")
    Theme = apps.get_model("mandates", "Theme")
    for acronym, (name, country) in MISSIONS.items():
        Mission.objects.filter(acronym=acronym, name_fr="").update(
            name_fr=name, host_country_fr=country
        )
    for acronym, name in UNITS.items():
        Unit.objects.filter(acronym=acronym, name_fr="").update(name_fr=name)
    for slug, name in THEMES.items():
        Theme.objects.filter(slug=slug, name_fr="").update(name_fr=name)


class Migration(migrations.Migration):
    dependencies = [
        ("mandates", "0018_renewal_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="mission",
            name="name_fr",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The official French name; French pages show it (the acronym stays).",
                max_length=200,
                verbose_name="name in French",
            ),
        ),
        migrations.AddField(
            model_name="mission",
            name="host_country_fr",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                max_length=100,
                verbose_name="host country in French",
            ),
        ),
        migrations.AddField(
            model_name="unit",
            name="name_fr",
            field=models.CharField(
                blank=True,
                db_default="",
                default="",
                help_text="The official French name; French pages show it (the acronym stays).",
                max_length=200,
                verbose_name="name in French",
            ),
        ),
        migrations.AddField(
            model_name="theme",
            name="name_fr",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=200, verbose_name="name in French"
            ),
        ),
        # Reversed, the fields go (with what they held): nothing to undo first.
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
