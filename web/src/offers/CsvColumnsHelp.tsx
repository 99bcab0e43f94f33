const columns: { name: string; required: boolean; holds: string }[] = [
  {
    name: 'product_title',
    required: true,
    holds: 'Rows with the same title are SKUs of one product',
  },
  { name: 'sku_code', required: true, holds: 'Unique in the organisation' },
  {
    name: 'price',
    required: true,
    holds: 'In major units: 29.90 (EUR), 1500 (JPY); no more decimals than the currency has',
  },
  { name: 'currency', required: true, holds: 'Three letters, e.g. EUR' },
  { name: 'stock_on_hand', required: false, holds: 'A whole number; 0 when empty' },
  { name: 'description', required: false, holds: 'For the product' },
  { name: 'image_urls', required: false, holds: 'http(s) URLs separated by |' },
  { name: 'attr:<name>', required: false, holds: 'An attribute such as attr:size or attr:colour' },
];

const example = [
  'product_title,description,image_urls,sku_code,price,currency,stock_on_hand,attr:size,attr:colour',
  'Silk Scarf,Hand-rolled edges,https://example.com/scarf.jpg,SCARF-RED,29.90,EUR,12,,Red',
  'Silk Scarf,,,SCARF-BLUE,29.90,EUR,8,,Blue',
  'Matcha Tin,"Ceremonial grade, 100 g",,MATCHA-100,1500,JPY,40,100 g,',
].join('\n');

const exampleHref = `data:text/csv;charset=utf-8,${encodeURIComponent(`${example}\n`)}`;

/** The columns the import reads, with an example file to start from. */
export function CsvColumnsHelp() {
  return (
    <details className="csv-help">
      <summary>Expected columns and an example</summary>
      <p className="hint">
        The first row names the columns, in any order and any letter case. A title the brand already
        has gains the rows as new SKUs.
      </p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Required</th>
              <th scope="col">Holds</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column) => (
              <tr key={column.name}>
                <td>
                  <code>{column.name}</code>
                </td>
                <td>{column.required ? 'Yes' : 'No'}</td>
                <td>{column.holds}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <pre className="csv-example">{example}</pre>
      <a href={exampleHref} download="mydrop-products-example.csv">
        Download this example
      </a>
    </details>
  );
}
