Alias: DCM = http://dicom.nema.org/resources/ontology/DCM
Alias: $FNR = urn:oid:2.16.578.1.12.4.1.4.1 // Assigned by Skatteetaten
Alias: $DNR = urn:oid:2.16.578.1.12.4.1.4.2 // Assigned by Skatteetaten
Alias: $HNR = urn:oid:2.16.578.1.12.4.1.4.3 // Assigned by Norsk Helsenett
Alias: $HPR = urn:oid:2.16.578.1.12.4.1.4.4 // Assigned by Helsedirektoratet
Alias: $DUFNR = urn:oid:2.16.578.1.12.4.1.4.5 // Assigned by Utlendingsdirektoratet
Alias: $ORGNR = urn:oid:2.16.578.1.12.4.1.4.101 // Assigned by Brønnøysundregistrene
Alias: $RESHID = urn:oid:2.16.578.1.12.4.1.4.102 // Assigned by Norsk helsenett (??)
Alias: $VOLVEN_9060 = urn:oid:2.16.578.1.12.4.1.1.9060 // Kategori helsepersonell (volven)
Alias: $VOLVEN_9151 = urn:oid:2.16.578.1.12.4.1.1.9151 // Tjenestetype i helse- og omsorgstjenesten (volven)
Alias: $VOLVEN_8663 = urn:oid:2.16.578.1.12.4.1.1.8663 // https://volven.no/produkt.asp?id=516047&catID=3&subID=8
Alias: $VOLVEN_8451 = urn:oid:2.16.578.1.12.4.1.1.8451 // Dette kodeverket benyttes for å kode fagområde i NPR data.
Alias: $VOLVEN_8655 = urn:oid:2.16.578.1.12.4.1.1.8655 // https://volven.no/produkt.asp?id=515539&catID=3&subID=8
Alias: $VOLVEN_9151 = urn:oid:2.16.578.1.12.4.1.1.9151 // https://volven.no/produkt.asp?id=515221&catID=3&subID=8
Alias: $DIPS_DECISIONTEMPLATE = https://terminology.dips.com/decisiontemplate
Alias: $PURPOSE_OF_USE_VALUESET = http://terminology.hl7.org/ValueSet/v3-PurposeOfUse