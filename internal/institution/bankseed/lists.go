package bankseed

import "strings"

// The name lists are constants split on use, so the package keeps no
// mutable state. Every business name is invented.

const firstNames = `Aaron Abigail Adrian Aisha Alan Alma Amara Andre Angela Arjun Beatrice Benjamin Bianca Caleb
Camila Carlos Chloe Daniel Deborah Diego Elena Elijah Eliza Emeka Farah Felix Fiona Gabriel Grace Hana Hector
Imani Isaac Ivy Jamal Janet Javier Jin Jordan Joyce Kai Keisha Kenji Laura Leon Lina Lucas Maya Marcus Mei Miguel
Nadia Naomi Nathan Nina Omar Olivia Oscar Priya Quinn Rafael Rosa Ruth Samuel Sofia Tariq Teresa Theo Uma Victor
Wendy Xavier Yara Yusuf Zoe`

const lastNames = `Abbott Adeyemi Alvarez Andersen Baker Banerjee Bell Brennan Castillo Chen Clarke Coleman Dawson
Delgado Dunn Ellison Esposito Farrell Fischer Flores Garner Gupta Hale Hayes Holm Ibarra Jensen Kaur Keller Kim
Kowalski Lam Lindqvist Lopez Maddox Mendoza Moreau Murphy Nakamura Novak Nwosu Okafor Olsen Ortiz Park Patel Pham
Quinlan Ramirez Reyes Rossi Sato Schmidt Singh Sullivan Tanaka Torres Turner Vance Varga Walsh Weber Whitaker
Yamamoto Young Zielinski`

const streets = `Maple Street|Oak Avenue|Cedar Lane|Willow Drive|Birch Road|Elm Street|Juniper Court|Harbor View Road|
Mill Creek Drive|Orchard Lane|Prospect Avenue|Riverside Drive|Summit Street|Lakeview Terrace|Chestnut Street|
Sycamore Way|Fairview Avenue|Highland Road|Meadow Lane|Pine Hollow Road|Spring Street|Union Avenue|Walnut Street|
Beacon Street|Foxglove Court`

// cities are "City, ST ZIP" lines; the ZIP codes are the towns' own, the
// street numbers that go with them are made up.
const cities = `Springfield, IL 62704|Madison, WI 53703|Burlington, VT 05401|Boise, ID 83702|Dayton, OH 45402|
Richmond, VA 23220|Tacoma, WA 98402|Albany, NY 12207|Des Moines, IA 50309|Spokane, WA 99201|Savannah, GA 31401|
Eugene, OR 97401|Lancaster, PA 17602|Knoxville, TN 37902|Fort Collins, CO 80524|Alexandria, VA 22314|
Annapolis, MD 21401|Silver Spring, MD 20910`

const employers = `Northwind Logistics|Bluestem Health Partners|Cobalt Ridge Software|Harborline Manufacturing|
Meridian County Schools|Silverleaf Foods|Pinecrest Medical Center|Tidewater Engineering|Granite State Insurance|
Lakeshore Retail Group|Brightwater Utilities|Summit Analytics|Red Oak Construction|Evergreen University|
Cascade Transit Authority|Ironbridge Legal|Willowbrook Senior Living|Keystone Freight`

const landlords = `Parkside Property Management|Maple Court Apartments LLC|Riverbend Rentals|Cornerstone Residential|
Harbor Point Homes|Elm Row Properties`

const mortgageLenders = `Homestead Mortgage Services|First Keystone Home Loans|Lakeland Mortgage Co`

const electricCompanies = `Metro Electric Cooperative|Valley Power & Light|Riverside Energy`

const waterGasCompanies = `City Water & Sewer|Tri-County Gas Service|Northern Natural Gas`

const phoneCarriers = `Citywide Wireless|Beacon Mobile|Summit Cellular`

const internetProviders = `Metro Fiber Internet|Skyline Broadband|Hilltop Cable`

const insurers = `Homestead Mutual Insurance|Granite Auto Insurance|Pioneer Casualty`

// subscriptions are "NAME=dollars.cents" monthly card charges.
const subscriptions = `STREAMFLIX=15.49|TUNEWAVE MUSIC=10.99|CLOUDBOX STORAGE=2.99|DAILY LEDGER NEWS=12.00|
IRONWORKS GYM=39.00|PIXELPLAY GAMES=7.99|AUDIOSHELF BOOKS=14.95|MEALKIT EXPRESS=59.94`

const groceries = `GREENLEAF MARKET|CORNER GROCER|FRESHWAY FOODS|VALLEY CO-OP|HARVEST TABLE MARKET|SAVE-A-LOT PANTRY`

const restaurants = `BLUE DOOR DINER|LUCKY NOODLE|TACOS EL SOL|THE GRILLED CHEESE|MAPLE LEAF CAFE|BELLA NAPOLI PIZZA|
HARBOR FISH HOUSE|SPICE ROUTE KITCHEN|CUP & SAUCER COFFEE`

const fuelStations = `HARBOR FUEL|QUIKSTOP GAS|SUNRISE PETROLEUM|MILEPOST FUEL`

const retailers = `PEAK PHARMACY|HANDYMAN HARDWARE|PAGE TURNER BOOKS|THREADS CLOTHING|BRIGHT HOME GOODS|
PAWS PET SUPPLY|WIDGETMART ONLINE`

// checkPayees are "Payee=memo" of the occasional paper check.
const checkPayees = `Dana Whitfield=babysitting|Ace Plumbing & Heating=invoice 2231|Green Thumb Landscaping=lawn care|
St. Brendan's Parish=donation|Allegro Piano Studio=lessons|Valley Auto Repair=brakes|Hometown Roofing Co=repair|
Marisol Ortega=house cleaning`

const daycares = `Little Acorns Daycare|Sunshine Learning Center|Bright Beginnings Preschool`

// entries splits one of the "|"-separated constants above; line breaks
// only wrap the source.
func entries(s string) []string {
	var out []string
	for _, f := range strings.Split(s, "|") {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			out = append(out, f)
		}
	}
	return out
}
