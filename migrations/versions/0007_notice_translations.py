"""The privacy notice in the residents' languages, and a record of which words each
consent was given against: privacy_notice_translations (version 1 in Polish and Urdu);
consent_events.notice_sha256, the fingerprint of the notice as shown (existing events
were shown the English text, so they take its fingerprint); community_groups.language,
the language a group registered in, for the emails to its contact.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 10:00:00

"""
import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Version 1 of the privacy notice, translated, exactly as residents see it on the pages in
# their language ("## " starts a heading). Like the English, never edited: a change to
# the notice is a new version with new translations.
NOTICE_V1_PL = """## Kim jesteśmy
Zespół ds. Równości Rasowej (Race Equity Taskforce) to partnerstwo utworzone przez Zjednoczony Urząd West Midlands (West Midlands Combined Authority, WMCA). WMCA jest administratorem danych w odniesieniu do wszystkiego, co przekazujesz nam przez Engage.

## Jakie informacje zbieramy
Twoją historię i to, co chcesz zmienić. Jeśli zdecydujesz się nam je podać – Twoją okolicę i pierwszą część Twojego kodu pocztowego (np. B11), ale nigdy pełnego adresu. Jeśli poprosisz nas o kontakt – Twój adres e-mail lub numer telefonu. Jeśli się zgodzisz – Twoje odpowiedzi na pytania dotyczące równości, np. o Twoją grupę etniczną. Nie musisz podawać swojego imienia i nazwiska.

## Do czego je wykorzystujemy – tylko za Twoją zgodą
1. Przechowywanie i analiza Twojej historii, aby Zespół ds. Równości Rasowej rozumiał, co się dzieje. Musisz wyrazić tę zgodę, aby wysłać historię.
2. Cytowanie Twoich słów – bez Twojego imienia i nazwiska ani niczego, po czym można by Cię rozpoznać – w raportach i materiałach na spotkania. Tylko jeśli zaznaczysz to pole.
3. Udostępnienie Twojej historii – po usunięciu danych osobowych – grupom roboczym Zespołu ds. Równości Rasowej. Tylko jeśli zaznaczysz to pole.
4. Kontakt z Tobą w sprawie Twojej historii. Tylko jeśli zaznaczysz to pole.
5. Wykorzystanie Twoich odpowiedzi na pytania dotyczące równości, aby sprawdzić, czy różne społeczności mają różne doświadczenia. Te odpowiedzi przechowujemy oddzielnie od Twojej historii i publikujemy je wyłącznie jako zbiorcze liczby – na tyle duże, że nikogo nie da się rozpoznać. Tylko jeśli zaznaczysz to pole.

## Kto ma do nich dostęp
Nasi pracownicy ds. kontaktu z mieszkańcami (engagement officers) czytają każdą historię, aby usunąć z niej dane osobowe, zanim zobaczy ją ktokolwiek inny. Grupy robocze widzą tylko historie, z których usunięto dane osobowe, i nigdy nie widzą Twoich odpowiedzi na pytania dotyczące równości. Nic nie jest sprzedawane ani wykorzystywane do celów marketingowych.

## Jak długo je przechowujemy
Historie przechowujemy tak długo, jak Zespół ds. Równości Rasowej potrzebuje ich do swojej pracy, a potem je usuwamy. Zapis Twoich zgód przechowujemy tak długo, jak przechowujemy Twoją historię, i jeszcze przez sześć lat później, aby móc wykazać, że zapytaliśmy Cię o zgodę.

## Twoje prawa
Za pomocą kodu zgłoszenia, który otrzymujesz po wysłaniu historii, możesz w dowolnym momencie i bez podawania przyczyny: zobaczyć informacje, które od Ciebie otrzymaliśmy, pobrać je, zmienić swoje zgody lub wycofać swoją historię. Jeśli ją wycofasz, od razu usuniemy Twoją historię i Twoje odpowiedzi na pytania dotyczące równości. Możesz też złożyć skargę do Biura Komisarza ds. Informacji (Information Commissioner's Office, ico.org.uk).

## Dzieci
Jeśli masz mniej niż 13 lat, poproś rodzica, opiekuna lub organizację społeczną o pomoc w opowiedzeniu swojej historii. Jeśli masz od 13 do 17 lat, nie będziemy publicznie cytować Twoich słów."""

NOTICE_V1_UR = """## ہم کون ہیں
نسلی مساوات ٹاسک فورس (Race Equity Taskforce) ایک شراکت داری ہے جسے ویسٹ مڈلینڈز کمبائنڈ اتھارٹی (West Midlands Combined Authority) یعنی WMCA نے قائم کیا ہے۔ آپ Engage کے ذریعے ہمیں جو کچھ بتاتے ہیں، اس کا ڈیٹا کنٹرولر (data controller) WMCA ہے، یعنی اس معلومات کی قانونی ذمہ داری WMCA پر ہے۔

## ہم کون سی معلومات جمع کرتے ہیں
آپ کی کہانی، اور یہ کہ آپ کیا تبدیلی چاہتے ہیں۔ اگر آپ بتانا چاہیں تو آپ کا مقامی علاقہ اور آپ کے پوسٹ کوڈ کا پہلا حصہ (جیسے B11)، لیکن آپ کا پورا پتہ کبھی نہیں۔ اگر آپ ہم سے کہیں کہ ہم آپ سے رابطہ کریں، تو آپ کا ای میل ایڈریس یا فون نمبر۔ اگر آپ اجازت دیں تو مساوات سے متعلق سوالات کے آپ کے جوابات، جیسے آپ کا نسلی گروپ۔ آپ کو اپنا نام بتانے کی ضرورت نہیں ہے۔

## ہم اسے کس کام کے لیے استعمال کرتے ہیں، صرف آپ کی اجازت سے
1. آپ کی کہانی کو محفوظ کرنا اور اس کا تجزیہ کرنا، تاکہ ٹاسک فورس سمجھ سکے کہ کیا ہو رہا ہے۔ کہانی بھیجنے کے لیے آپ کو اس کی اجازت دینا لازمی ہے۔
2. آپ کے الفاظ کو رپورٹوں اور میٹنگ کے کاغذات میں نقل کرنا، آپ کے نام کے بغیر اور کسی بھی ایسی بات کے بغیر جس سے آپ کی پہچان ہو سکے۔ صرف اس صورت میں جب آپ اس خانے پر ٹِک کریں۔
3. آپ کی کہانی کو، ذاتی تفصیلات ہٹانے کے بعد، ٹاسک فورس کے ورکنگ گروپس کے ساتھ شیئر کرنا۔ صرف اس صورت میں جب آپ اس خانے پر ٹِک کریں۔
4. آپ کی کہانی کے بارے میں آپ سے رابطہ کرنا۔ صرف اس صورت میں جب آپ اس خانے پر ٹِک کریں۔
5. مساوات سے متعلق آپ کے جوابات کو یہ دیکھنے کے لیے استعمال کرنا کہ کیا مختلف کمیونٹیز کے تجربات ایک دوسرے سے مختلف ہیں۔ یہ جوابات آپ کی کہانی سے الگ رکھے جاتے ہیں، اور انہیں ہمیشہ صرف مجموعی تعداد کی صورت میں شائع کیا جاتا ہے، اور یہ تعداد اتنی بڑی ہوتی ہے کہ کسی کی بھی پہچان نہ ہو سکے۔ صرف اس صورت میں جب آپ اس خانے پر ٹِک کریں۔

## اسے کون دیکھتا ہے
رابطہ افسران (Engagement officers) ہر کہانی پڑھتے ہیں تاکہ کسی اور کے دیکھنے سے پہلے اس میں سے ذاتی تفصیلات ہٹا دیں۔ ورکنگ گروپس صرف وہ کہانیاں دیکھتے ہیں جن میں سے ذاتی تفصیلات ہٹا دی گئی ہوں، اور وہ مساوات سے متعلق آپ کے جوابات کبھی نہیں دیکھتے۔ کچھ بھی نہ تو بیچا جاتا ہے اور نہ ہی مارکیٹنگ کے لیے استعمال کیا جاتا ہے۔

## ہم اسے کتنے عرصے تک رکھتے ہیں
ہم کہانیوں کو اس وقت تک رکھتے ہیں جب تک ٹاسک فورس کو اپنا کام کرنے کے لیے ان کی ضرورت ہو، اور پھر انہیں ڈیلیٹ کر دیتے ہیں (مٹا دیتے ہیں)۔ آپ نے جن باتوں کی اجازت دی تھی، اس کا ریکارڈ ہم اس وقت تک رکھتے ہیں جب تک آپ کی کہانی ہمارے پاس موجود ہے، اور اس کے بعد مزید چھ سال تک، تاکہ ہم دکھا سکیں کہ ہم نے آپ سے اجازت مانگی تھی۔

## آپ کے حقوق
اپنی کہانی بھیجنے کے بعد آپ کو جو کوڈ ملتا ہے، اس کے ذریعے آپ کسی بھی وقت اور کوئی وجہ بتائے بغیر: دیکھ سکتے ہیں کہ آپ نے ہمیں کیا بتایا تھا، اسے ڈاؤن لوڈ کر سکتے ہیں، جن باتوں کی آپ نے اجازت دی تھی انہیں بدل سکتے ہیں، یا اپنی کہانی واپس لے سکتے ہیں۔ اگر آپ اپنی کہانی واپس لیتے ہیں تو ہم آپ کی کہانی اور مساوات سے متعلق آپ کے جوابات فوراً ڈیلیٹ کر دیتے ہیں۔ آپ انفارمیشن کمشنر کے دفتر (Information Commissioner's Office) سے شکایت بھی کر سکتے ہیں (ico.org.uk)۔

## بچے
اگر آپ کی عمر 13 سال سے کم ہے تو براہ کرم اپنی کہانی بتانے میں مدد کے لیے اپنے والدین میں سے کسی ایک، اپنی دیکھ بھال کرنے والے فرد (کیئرر) یا کسی کمیونٹی گروپ سے کہیں۔ اگر آپ کی عمر 13 سے 17 سال تک ہے تو ہم آپ کے الفاظ کو عوامی طور پر نقل نہیں کریں گے۔"""

TRANSLATIONS = {"pl": NOTICE_V1_PL, "ur": NOTICE_V1_UR}


def upgrade():
    op.create_table('privacy_notice_translations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_notices.id'], name=op.f('fk_privacy_notice_translations_notice_id_privacy_notices'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice_translations')),
    sa.UniqueConstraint('notice_id', 'language', name=op.f('uq_privacy_notice_translations_notice_id_language'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_sha256', sa.String(length=64), nullable=True))
    # Every consent so far was given with the English notice in front of the resident.
    op.execute(
        "UPDATE consent_events SET notice_sha256 = "
        "(SELECT sha256 FROM privacy_notices WHERE privacy_notices.id = consent_events.notice_id)"
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.alter_column('notice_sha256', existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table('community_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=10), server_default='en', nullable=False))

    version_1 = op.get_bind().execute(
        sa.text("SELECT id FROM privacy_notices WHERE version = 1")
    ).scalar()
    if version_1 is None:
        return
    translations = sa.table(
        "privacy_notice_translations",
        sa.column("notice_id"),
        sa.column("language"),
        sa.column("body"),
        sa.column("sha256"),
        sa.column("published_at", sa.DateTime(timezone=True)),
    )
    op.bulk_insert(
        translations,
        [
            {
                "notice_id": version_1,
                "language": language,
                "body": body,
                "sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
                "published_at": datetime(2026, 12, 6, tzinfo=UTC),
            }
            for language, body in TRANSLATIONS.items()
        ],
    )


def downgrade():
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35 and later too): rebuilding
    # community_groups the batch way would drop the old table, and with foreign keys on,
    # cascade-delete its areas and engagement records (found in review).
    op.drop_column('community_groups', 'language')
    op.drop_column('consent_events', 'notice_sha256')
    op.drop_table('privacy_notice_translations')
