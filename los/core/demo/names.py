"""Name parts for synthetic people and places. Combinations are random; any likeness to a real
person is chance. Demo data never holds real personal data."""

GIVEN_FEMALE = [
    "Nora", "Emma", "Ella", "Sofie", "Olivia", "Ada", "Sara", "Ingrid", "Leah", "Maja", "Frida", "Astrid",
    "Hedda", "Selma", "Tiril", "Live", "Amalie", "Ida", "Thea", "Vilde", "Hanna", "Mathilde", "Eline", "Marte",
    "Kari", "Anne", "Ingeborg", "Silje", "Hilde", "Tone", "Randi", "Marit", "Guro", "Åse", "Siri", "Camilla",
    "Amina", "Fatima", "Zainab", "Aisha", "Hodan", "Oksana", "Agnieszka", "Natalia", "Mariam", "Yasmin",
]
GIVEN_MALE = [
    "Jakob", "Emil", "Noah", "Oliver", "Filip", "William", "Lucas", "Liam", "Henrik", "Oskar", "Aksel", "Theodor",
    "Isak", "Johannes", "Magnus", "Sindre", "Mathias", "Tobias", "Elias", "Sander", "Even", "Håkon", "Ola", "Per",
    "Knut", "Lars", "Jon", "Eirik", "Trond", "Geir", "Bjørn", "Stian", "Ahmed", "Mohammed", "Ali", "Yusuf",
    "Omar", "Piotr", "Tomasz", "Andrii", "Dawit", "Hassan",
]
FAMILY = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen",
    "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl",
    "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen", "Iversen", "Strand",
    "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen", "Bakken", "Kristoffersen", "Mathisen", "Lie",
    "Rønning", "Nygård", "Fjeld", "Myklebust", "Vik", "Aasen", "Tveit", "Brekke", "Hauge", "Lien",
    "Ali", "Hussain", "Ahmadi", "Nowak", "Kowalski", "Mohamed", "Tesfay", "Kovalenko", "Nguyen", "Rahimi",
]
PLACE_FIRST = [
    "Fjord", "Elve", "Berg", "Sol", "Nord", "Sør", "Aust", "Vest", "Stein", "Lyng", "Furu", "Bjørke", "Eike",
    "Møre", "Strand", "Sjø", "Fjell", "Heia", "Myr", "Vatn", "Skog", "Lia", "Dal", "Ås", "Holm", "Nes", "Vik",
    "Rød", "Kvit", "Grøn", "Is", "Snø", "Lind", "Ospe", "Rogn", "Hegg", "Lauv", "Sand", "Grus", "Ør", "Tind",
    "Bre", "Elg", "Rein", "Ørn", "Måke", "Laks", "Sild", "Torsk", "Kyst", "Fossen", "Brekk",
]
PLACE_LAST = [
    "vik", "dal", "nes", "berg", "stad", "fjord", "øy", "heim", "land", "sund", "ås", "li", "voll", "bø", "haug",
    "rud", "set", "mo", "vang", "strand", "ness", "fjell", "vatn", "eid", "våg", "hamn", "botn", "myra",
]
COUNTIES = [
    "Nordfylke", "Vestfylke", "Austfylke", "Sørfylke", "Midtfylke", "Fjellfylke", "Kystfylke", "Dalfylke",
    "Innfylke", "Havfylke", "Skogfylke",
]
