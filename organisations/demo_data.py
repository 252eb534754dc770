"""Realistic French demo content: organisations of the social economy and their briefs.

Plain data (no Django): ``organisations.demo`` turns it into rows. Registration numbers are
generated with valid check digits at seeding time.
"""

# name, legal form, city, postcode, causes (slugs), website, description
ORGANISATIONS = [
    (
        "Les Jardins Partagés de Fives",
        "association",
        "Lille",
        "59000",
        ["environment", "food", "social-integration"],
        "https://jardins-fives.example.org",
        "Depuis 2009, nous animons quatre jardins partagés dans le quartier de Fives. "
        "Chaque semaine, 180 adhérents et bénévoles y cultivent, cuisinent et transmettent. "
        "Nous accueillons aussi des personnes en parcours d'insertion.",
    ),
    (
        "Solidarité Numérique Roubaix",
        "association",
        "Roubaix",
        "59100",
        ["digital-inclusion", "access-to-rights", "education"],
        "https://solnum-roubaix.example.org",
        "Nous accompagnons les habitants de Roubaix dans leurs démarches en ligne : CAF, "
        "France Travail, impôts, santé. Douze bénévoles tiennent trois permanences par semaine.",
    ),
    (
        "Coopérative Mobilité Douce",
        "scop",
        "Lyon",
        "69007",
        ["environment", "circular-economy"],
        "https://mobilite-douce.example.coop",
        "SCOP de onze salariés, nous réparons, louons et vendons des vélos reconditionnés, "
        "et formons des mécaniciennes et mécaniciens vélo.",
    ),
    (
        "La Table Ouverte",
        "association",
        "Marseille",
        "13003",
        ["food", "poverty", "social-integration"],
        "",
        "Épicerie solidaire et cantine de quartier à Saint-Mauront : 350 familles inscrites, "
        "des repas à prix libre et des ateliers cuisine.",
    ),
    (
        "Atelier Vélo Solidaire Nantais",
        "association",
        "Nantes",
        "44000",
        ["environment", "social-integration"],
        "https://avsn.example.org",
        "Atelier participatif de réparation de vélos : nous apprenons à chacun à réparer son "
        "vélo et récupérons les épaves pour leur donner une seconde vie.",
    ),
    (
        "Maison des Aidants du Val-de-Marne",
        "association",
        "Créteil",
        "94000",
        ["health", "seniors"],
        "https://maison-aidants94.example.org",
        "Nous soutenons les proches aidants : écoute, groupes de parole, répit et formations. "
        "Une équipe de cinq salariés et quarante bénévoles.",
    ),
    (
        "Tremplin Emploi 93",
        "association",
        "Saint-Denis",
        "93200",
        ["social-integration", "youth"],
        "https://tremplin93.example.org",
        "Chantier d'insertion et accompagnement vers l'emploi de jeunes de 16 à 25 ans, avec "
        "des parcours de six mois dans le bâtiment et la logistique.",
    ),
    (
        "Ressourcerie Le Grenier",
        "scic",
        "Villeneuve-d'Ascq",
        "59650",
        ["circular-economy", "environment", "social-integration"],
        "https://legrenier.example.coop",
        "SCIC qui collecte, répare et revend meubles, vêtements et objets. Huit salariés en "
        "insertion, une boutique et un atelier de réparation ouverts à tous.",
    ),
    (
        "Fondation Lire Ensemble",
        "foundation",
        "Paris",
        "75011",
        ["education", "culture", "youth"],
        "https://lire-ensemble.example.org",
        "Fondation qui finance et anime des clubs de lecture pour enfants dans 60 écoles et "
        "bibliothèques de quartier.",
    ),
    (
        "Mutuelle Entraide Solidaire du Nord",
        "mutual",
        "Lille",
        "59800",
        ["health", "poverty"],
        "https://mesn.example.fr",
        "Mutuelle de santé à but non lucratif de 9 000 adhérents, avec un fonds d'entraide "
        "pour les adhérents en difficulté.",
    ),
    (
        "Handi'Cap Sport Lyon",
        "association",
        "Villeurbanne",
        "69100",
        ["disability", "sport"],
        "https://handicapsport-lyon.example.org",
        "Club omnisports ouvert aux personnes en situation de handicap : basket fauteuil, "
        "boccia, natation. 220 licenciés et une centaine de bénévoles.",
    ),
    (
        "Toit Partagé",
        "association",
        "Marseille",
        "13001",
        ["housing", "poverty", "refugees"],
        "",
        "Nous mettons en relation des propriétaires solidaires et des personnes sans logement, "
        "et accompagnons la cohabitation pendant un an.",
    ),
    (
        "Les Petits Débrouillards du Quartier",
        "association",
        "Nantes",
        "44200",
        ["youth", "education", "digital-inclusion"],
        "https://debrouillards-quartier.example.org",
        "Ateliers de sciences et de numérique pour les 8-15 ans, après l'école et pendant les "
        "vacances, dans trois quartiers prioritaires.",
    ),
    (
        "Terre d'Accueil",
        "association",
        "Paris",
        "75019",
        ["refugees", "international-solidarity", "anti-discrimination"],
        "https://terre-accueil.example.org",
        "Cours de français, aide juridique et accompagnement des personnes exilées. 60 "
        "bénévoles, 400 personnes accompagnées chaque année.",
    ),
    (
        "Cuisines du Monde",
        "esus",
        "Lyon",
        "69003",
        ["food", "social-integration", "gender-equality"],
        "https://cuisines-du-monde.example.fr",
        "Entreprise agréée ESUS : un traiteur qui forme et emploie des femmes éloignées de "
        "l'emploi, avec les recettes de leurs pays.",
    ),
]

# title, need category, problem, expected outcome, existing tools, effort hours,
# (team min, team max), work mode, extra skills (slug, level, weight)
BRIEFS = [
    (
        "Un site internet pour nos adhérents et nos bénévoles",
        "website",
        "Notre site internet actuel date de 2013 et plus personne ne sait le mettre à jour. "
        "Nos adhérents ne trouvent ni le calendrier des ateliers ni le formulaire d'adhésion, "
        "et nous répondons chaque semaine aux mêmes questions par téléphone.",
        "Un site internet simple, lisible sur téléphone, que deux bénévoles peuvent mettre à "
        "jour seuls : actualités, calendrier des ateliers, adhésion en ligne.",
        "Un vieux site WordPress, une page Facebook, HelloAsso pour les adhésions.",
        90,
        (2, 4),
        "hybrid",
        [("helloasso", 1, 1)],
    ),
    (
        "Gérer nos adhérents sans nos trois tableurs",
        "crm",
        "Nos 400 adhérents sont répartis dans trois tableurs tenus par trois bénévoles. Nous "
        "oublions des relances de cotisation et ne savons pas qui a participé à quoi.",
        "Un outil unique où retrouver chaque adhérent, sa cotisation et sa participation, et "
        "envoyer la relance annuelle en quelques clics.",
        "Excel, Gmail, des formulaires papier.",
        140,
        (2, 4),
        "remote",
        [("paheko", 1, 1)],
    ),
    (
        "Une base de données des colis alimentaires",
        "database",
        "Chaque site de distribution note les colis dans son propre tableur. Les totaux ne "
        "correspondent jamais et le bilan annuel pour nos financeurs nous prend deux semaines.",
        "Une base de données partagée, remplie par chaque site, avec des totaux justes du "
        "premier coup et un export pour le bilan.",
        "Google Sheets, un tableur par site.",
        160,
        (3, 5),
        "remote",
        [],
    ),
    (
        "Une application pour organiser les tournées des bénévoles",
        "mobile_app",
        "Nos bénévoles s'organisent par SMS pour les tournées de ramassage. Certains oublient "
        "et nous découvrons trop tard qu'une tournée n'est pas couverte.",
        "Une application où les bénévoles voient les tournées, s'inscrivent et reçoivent un "
        "rappel la veille.",
        "SMS, un groupe WhatsApp, un planning papier.",
        220,
        (3, 5),
        "hybrid",
        [("pwa", 2, 1)],
    ),
    (
        "Automatiser les inscriptions aux ateliers",
        "automation",
        "Chaque lundi, nous recopions à la main les inscriptions de notre formulaire en ligne "
        "dans un tableur, puis nous envoyons un courriel de confirmation à chaque personne.",
        "Les inscriptions arrivent seules dans le tableur et les confirmations partent "
        "automatiquement, avec un rappel la veille de l'atelier.",
        "Google Forms, Google Sheets, Gmail.",
        60,
        (2, 3),
        "remote",
        [("google-apps-script", 2, 2)],
    ),
    (
        "Un tableau de bord pour nos financeurs",
        "data",
        "Nos financeurs nous demandent des chiffres sur les personnes accompagnées. Nous les "
        "comptons à la main en fin d'année, et jamais tout à fait de la même façon.",
        "Un tableau de bord mis à jour chaque mois, avec les indicateurs demandés par nos "
        "financeurs et une méthode de calcul écrite.",
        "Des tableurs, un logiciel de suivi ancien.",
        120,
        (2, 4),
        "remote",
        [("metabase", 1, 1)],
    ),
    (
        "Sécuriser nos données et nos comptes",
        "cybersecurity",
        "Nous gardons des dossiers sensibles sur nos ordinateurs et partageons un seul mot de "
        "passe pour tout. Nous ne savons pas ce que le RGPD nous impose.",
        "Un diagnostic rapide de nos pratiques, les corrections urgentes faites, et des règles "
        "simples que toute l'équipe comprend.",
        "Cinq ordinateurs portables, une box internet, une messagerie Gmail.",
        70,
        (2, 3),
        "onsite",
        [("password-management", 2, 2)],
    ),
    (
        "Des ateliers pour aider nos publics avec les démarches en ligne",
        "digital_training",
        "Les personnes que nous accompagnons peinent avec les démarches en ligne (CAF, impôts, "
        "France Travail). Nos bénévoles les aident, mais sans support sur lequel s'appuyer.",
        "Des supports d'ateliers et des fiches courtes que nos bénévoles réutilisent seuls.",
        "Aucun support pour l'instant.",
        80,
        (2, 4),
        "onsite",
        [("easy-read", 2, 2)],
    ),
    (
        "Refonte du site et de la boutique en ligne",
        "website",
        "Notre boutique en ligne vend des vélos reconditionnés, mais le site est lent, mal "
        "référencé et la moitié des commandes se terminent par un appel téléphonique.",
        "Un site rapide où l'on réserve un vélo en ligne, avec paiement et retrait en atelier.",
        "WooCommerce, un hébergement mutualisé.",
        200,
        (3, 5),
        "remote",
        [("ecommerce", 2, 3), ("payment-integration", 2, 2)],
    ),
    (
        "Suivre les dons et les donateurs",
        "crm",
        "Nous recevons des dons par chèque, virement et HelloAsso, suivis dans trois outils. "
        "Les reçus fiscaux sont faits à la main en février.",
        "Un suivi unique des dons, et des reçus fiscaux générés automatiquement.",
        "HelloAsso, un tableur, Word pour les reçus.",
        130,
        (2, 4),
        "remote",
        [("donor-management", 2, 3)],
    ),
    (
        "Cartographier nos points de collecte",
        "data",
        "Nous avons 45 points de collecte en métropole, listés dans un tableur. Les habitants "
        "ne savent pas où déposer leurs objets.",
        "Une carte en ligne, à jour, des points de collecte avec leurs horaires.",
        "Un tableur, une carte Google My Maps obsolète.",
        90,
        (2, 3),
        "remote",
        [("gis", 2, 3), ("open-data", 1, 1)],
    ),
    (
        "Un outil de réservation pour le répit des aidants",
        "automation",
        "Les aidants réservent les créneaux de répit par téléphone, aux heures de bureau. Nous "
        "perdons du temps et des créneaux restent vides.",
        "Une réservation en ligne des créneaux, avec confirmation et liste d'attente.",
        "Un agenda papier, le téléphone.",
        110,
        (2, 4),
        "hybrid",
        [("booking-tools", 2, 3)],
    ),
    (
        "Moderniser notre base des jeunes accompagnés",
        "database",
        "Le suivi des parcours des jeunes tient dans une base Access que seul un salarié "
        "parti à la retraite savait faire évoluer.",
        "Une base moderne, sûre, où chaque conseiller suit ses jeunes et sort les bilans.",
        "Microsoft Access 2010.",
        180,
        (3, 5),
        "hybrid",
        [("microsoft-access", 2, 2)],
    ),
    (
        "Former l'équipe aux outils collaboratifs",
        "digital_training",
        "Nos salariés s'envoient des fichiers par courriel et ne savent jamais quelle version "
        "est la bonne.",
        "Une équipe à l'aise avec un espace de travail partagé, et un guide maison.",
        "Courriels, clés USB.",
        50,
        (2, 3),
        "onsite",
        [("nextcloud", 2, 2), ("collaborative-tools", 2, 2)],
    ),
    (
        "Un site accessible pour un club handisport",
        "website",
        "Notre site n'est pas utilisable au lecteur d'écran, un comble pour un club handisport. "
        "Les inscriptions se font encore sur papier.",
        "Un site conforme au RGAA, avec inscription en ligne aux créneaux.",
        "Un site Wix.",
        150,
        (3, 5),
        "remote",
        [("web-accessibility", 3, 3), ("accessibility-testing", 2, 2)],
    ),
    (
        "Mesurer l'impact de nos clubs de lecture",
        "data",
        "Nous animons 60 clubs de lecture, mais nos questionnaires de fin d'année finissent "
        "dans des cartons.",
        "Un questionnaire en ligne et un tableau de bord de l'impact par club et par année.",
        "Questionnaires papier.",
        100,
        (2, 4),
        "remote",
        [("survey-analysis", 2, 3), ("impact-measurement", 2, 2)],
    ),
    (
        "Une application de mise en relation logeurs et hébergés",
        "mobile_app",
        "Nous mettons en relation des propriétaires solidaires et des personnes sans logement "
        "par téléphone et courriel ; le suivi se perd.",
        "Une application web simple pour les candidatures, les rencontres et le suivi de la "
        "cohabitation.",
        "Un tableur et des courriels.",
        240,
        (3, 5),
        "remote",
        [("django", 2, 1)],
    ),
    (
        "Un kit d'initiation au code pour nos ateliers jeunesse",
        "digital_training",
        "Les enfants de nos ateliers veulent « faire des jeux vidéo ». Nos animateurs n'ont "
        "pas de progression pédagogique pour les initier au code.",
        "Une progression en dix séances, avec fiches animateur et exercices.",
        "Quelques tablettes, Scratch installé.",
        70,
        (2, 4),
        "onsite",
        [("coding-for-kids", 2, 3)],
    ),
    (
        "Protéger les données des personnes exilées",
        "cybersecurity",
        "Nous conservons des données très sensibles (parcours, papiers) sur des ordinateurs "
        "partagés et un drive gratuit.",
        "Des données chiffrées, des accès nominatifs et une procédure en cas de perte.",
        "Google Drive gratuit, ordinateurs partagés.",
        90,
        (2, 4),
        "hybrid",
        [("encryption", 2, 2), ("access-management", 2, 2)],
    ),
    (
        "Commandes en ligne pour notre traiteur solidaire",
        "automation",
        "Les commandes de nos clients professionnels arrivent par téléphone, SMS et courriel. "
        "Des commandes se perdent chaque mois.",
        "Un formulaire de commande, un planning de production généré et des factures automatiques.",
        "Un cahier, Excel, un logiciel de facturation.",
        120,
        (2, 4),
        "remote",
        [("online-forms", 2, 2)],
    ),
    (
        "Un annuaire des permanences numériques du territoire",
        "website",
        "Les habitants ne savent pas où trouver de l'aide numérique près de chez eux ; chaque "
        "structure a sa propre liste.",
        "Un annuaire en ligne, tenu à jour par les structures elles-mêmes.",
        "Une liste PDF.",
        110,
        (2, 4),
        "remote",
        [("open-data", 1, 1)],
    ),
    (
        "Suivre notre stock d'objets reconditionnés",
        "database",
        "Nous ne savons pas ce que nous avons en stock : les objets arrivent, sont réparés et "
        "vendus sans être enregistrés.",
        "Un inventaire simple, mis à jour à la réception et à la vente, avec des étiquettes.",
        "Un cahier de caisse.",
        130,
        (2, 4),
        "onsite",
        [("odoo", 1, 1)],
    ),
]

# How many briefs of each state at scale 1 (40 in all), in the order they are dealt.
STATE_PLAN = [
    ("published", 18),
    ("draft", 5),
    ("submitted", 4),
    ("rejected", 3),
    ("in_progress", 4),
    ("delivered", 3),
    ("closed", 2),
    ("cancelled", 1),
]

REJECTION_REASONS = [
    "Pouvez-vous préciser qui utilisera l'outil au quotidien et combien de personnes "
    "sont concernées ? Les étudiants en ont besoin pour estimer le travail.",
    "Les dates sont trop courtes pour une équipe étudiante : prévoyez au moins six semaines.",
    "Le besoin mélange deux projets (site et base de données) : séparez-les en deux missions.",
]

FIRST_NAMES = ["Claire", "Mehdi", "Julie", "Antoine", "Fatou", "Hugo", "Inès", "Paul"]
LAST_NAMES = ["Lambert", "Diallo", "Moreau", "Nguyen", "Garcia", "Petit", "Roux", "Fontaine"]
