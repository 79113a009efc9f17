// Realistic names for generated users. Embedded (not fetched) so the generator works offline and a
// seed always yields the same people. Several cultures are mixed on purpose, and a few names carry
// diacritics so the stack's UTF-8 handling is exercised by ordinary demo data.

import { pick, type Rng } from './random';

export const FIRST_NAMES: readonly string[] = [
  // English-speaking
  'James', 'Mary', 'John', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'William', 'Elizabeth',
  'David', 'Susan', 'Emily', 'Daniel', 'Olivia', 'Thomas', 'Grace', 'Henry', 'Charlotte', 'Jack',
  // Spanish and Portuguese
  'José', 'María', 'Carlos', 'Lucía', 'Javier', 'Sofía', 'Diego', 'Camila', 'Mateo', 'Valentina',
  'João', 'Ana', 'Pedro', 'Beatriz',
  // French, German, Italian, Dutch
  'Louis', 'Chloé', 'Hugo', 'Camille', 'Lukas', 'Hannah', 'Felix', 'Lena', 'Giulia', 'Marco',
  'Francesca', 'Luca', 'Daan', 'Sanne',
  // Nordic and Slavic
  'Søren', 'Ingrid', 'Erik', 'Astrid', 'Łukasz', 'Zofia', 'Ivan', 'Olga', 'Dmitri', 'Katarzyna',
  // South Asian
  'Aarav', 'Priya', 'Rohan', 'Ananya', 'Arjun', 'Kavya', 'Vikram', 'Deepa',
  // East and Southeast Asian
  'Wei', 'Mei', 'Jun', 'Xiu', 'Hiroshi', 'Yuki', 'Haruto', 'Sakura', 'Min-jun', 'Ji-woo',
  'Seo-yeon', 'Minh', 'Linh',
  // Arabic, Turkish, Persian
  'Omar', 'Fatima', 'Youssef', 'Layla', 'Ahmed', 'Aisha', 'Emre', 'Elif', 'Darius', 'Shirin',
  // African
  'Kwame', 'Amara', 'Chinedu', 'Ngozi', 'Tendai', 'Zanele', 'Kofi', 'Abena', 'Tunde', 'Nia',
  // Hebrew and others
  'Noam', 'Tamar', 'Zoë', 'Mateus', 'Anika',
];

export const LAST_NAMES: readonly string[] = [
  // English-speaking
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Anderson',
  'Thomas', 'Moore', 'Clark', 'Walker', 'Wright', "O'Brien", 'Murphy', 'Kelly',
  // Spanish and Portuguese
  'García', 'Rodríguez', 'Martínez', 'Hernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez', 'Torres',
  'Silva', 'Santos', 'Oliveira', 'Pereira',
  // French, German, Italian, Dutch
  'Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Rossi',
  'Russo', 'Ferrari', 'Esposito', 'de Jong', 'van den Berg',
  // Nordic and Slavic
  'Johansson', 'Nielsen', 'Hansen', 'Virtanen', 'Nowak', 'Kowalski', 'Wiśniewski', 'Ivanov', 'Petrov', 'Novák',
  // South Asian
  'Sharma', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Iyer', 'Reddy', 'Chatterjee',
  // East and Southeast Asian
  'Wang', 'Li', 'Zhang', 'Chen', 'Liu', 'Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Kim',
  'Lee', 'Park', 'Nguyễn', 'Tran', 'Santoso',
  // Arabic, Turkish, Persian
  'Haddad', 'Khalil', 'Mansour', 'Al-Farsi', 'Yılmaz', 'Kaya', 'Demir', 'Hosseini', 'Rahimi',
  // African
  'Mensah', 'Okafor', 'Adeyemi', 'Mwangi', 'Dlamini', 'Nkosi', 'Diallo', 'Traoré', 'Banda',
  // Hebrew
  'Cohen', 'Levi', 'Mizrahi',
];

export interface PersonName {
  firstName: string;
  lastName: string;
}

/** One random person. First and last names are drawn independently, so cultures mix freely. */
export function randomName(rng: Rng): PersonName {
  return { firstName: pick(rng, FIRST_NAMES), lastName: pick(rng, LAST_NAMES) };
}

/** `count` names drawn up front, so the set of names depends only on the seed, not on timing. */
export function randomNames(rng: Rng, count: number): PersonName[] {
  return Array.from({ length: count }, () => randomName(rng));
}

export const fullName = (n: PersonName): string => `${n.firstName} ${n.lastName}`;
